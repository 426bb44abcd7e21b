// A cluster as a deployment runs one: N instances of the Bun entry (`bun src/entries/bun.ts`), each on
// its own loopback port, one secret, revocations in one real redis-server (appendonly: persistent),
// behind real HAProxy (round robin). An instance can be killed and started again on its port; Redis
// can be killed, stopped, flushed and restarted through `redis`. Dispose of it when done.
import { LoadBalancer, SERVED_BY } from './load-balancer.ts'
import { freePort, RedisServer } from './redis-server.ts'
import { BUN_ENTRY, startServer, type RunningServer } from './server.ts'

export interface ClusterOptions {
  /** How many instances. Default 3. */
  instances?: number
  /** The session secret every instance shares. */
  secret: string
}

export class Cluster implements AsyncDisposable {
  readonly #ports: number[]
  readonly #env: Record<string, string>
  /** What instances that were killed had printed. */
  readonly #retired: string[] = []

  private constructor(
    readonly redis: RedisServer,
    readonly balancer: LoadBalancer,
    /** Instance i is `app<i>` in the balancer's X-Served-By header. */
    readonly instances: RunningServer[],
    ports: number[],
    env: Record<string, string>,
  ) {
    this.#ports = ports
    this.#env = env
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const redis = await RedisServer.start({ persistent: true })
    const env = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      SESSION_SECRET: options.secret,
      // Plain HTTP on loopback; a deployment terminates TLS at the balancer and keeps Secure cookies.
      SESSION_COOKIE_SECURE: 'false',
      DEMO_USER: 'true',
      TRUSTED_PROXY_HEADER: 'X-Forwarded-For',
      REDIS_URL: redis.url,
    }
    const ports = await Promise.all(Array.from({ length: options.instances ?? 3 }, () => freePort()))
    const started = await Promise.allSettled(ports.map((port) => startServer(['bun', BUN_ENTRY], env, 15_000, { port })))
    const instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
    const failed = started.find((result) => result.status === 'rejected')
    let balancer: LoadBalancer | undefined
    try {
      if (failed !== undefined) throw failed.reason
      balancer = await LoadBalancer.start(instances.map((instance) => instance.url))
      return new Cluster(redis, balancer, instances, ports, env)
    } catch (error) {
      await Promise.all(instances.map((instance) => instance.stop()))
      await redis[Symbol.asyncDispose]()
      throw error
    }
  }

  /** The environment every instance runs with. */
  get env(): Readonly<Record<string, string>> {
    return this.#env
  }

  /** Which instance answered a response that came through the balancer (its index), or -1 for none. */
  static servedBy(res: Response): number {
    const name = res.headers.get(SERVED_BY) ?? ''
    return /^app\d+$/.test(name) ? Number(name.slice(3)) : -1
  }

  /** A crash of instance i: SIGKILL, nothing cleaned up. */
  async kill(i: number): Promise<void> {
    await this.instances[i]!.kill()
    this.#retired.push(this.instances[i]!.output())
  }

  /** Everything every instance printed, killed ones included. */
  output(): string {
    return [...this.#retired, ...this.instances.map((instance) => instance.output())].join('\n')
  }

  /** Starts instance i again on its port, where the balancer's health check finds it. */
  async restart(i: number): Promise<void> {
    this.instances[i] = await startServer(['bun', BUN_ENTRY], this.#env, 15_000, { port: this.#ports[i] })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.balancer[Symbol.asyncDispose]()
    await Promise.all(this.instances.map((instance) => instance.stop()))
    await this.redis[Symbol.asyncDispose]()
  }
}

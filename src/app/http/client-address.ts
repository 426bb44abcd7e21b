import type { Context } from 'hono'

/** The address of the socket a request came in on, as the runtime reports it (each entry file knows how). */
export type SocketAddress = (c: Context) => string | undefined

export interface AddressSources {
  /**
   * A header set by the reverse proxy in front of the app (`X-Forwarded-For`, `X-Real-IP`, ...), from
   * TRUSTED_PROXY_HEADER. Its right-most entry is the address the proxy itself saw; entries to its left
   * came from the client and prove nothing. Configure it only when clients can reach the app through
   * the proxy alone: otherwise anyone can send the header and pick their address.
   */
  trustedHeader?: string | undefined
  socketAddress?: SocketAddress | undefined
}

/** Where a request comes from: the trusted header's right-most entry when configured and present, else the socket's address. */
export function clientAddress(c: Context, sources: AddressSources): string | undefined {
  if (sources.trustedHeader !== undefined) {
    const entries = c.req.header(sources.trustedHeader)?.split(',')
    const last = entries?.[entries.length - 1]?.trim()
    if (last) return last
  }
  return sources.socketAddress?.(c)
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

function ipv4(text: string): number[] | undefined {
  const bytes = IPV4.exec(text)?.slice(1).map(Number)
  return bytes?.every((byte) => byte <= 255) ? bytes : undefined
}

/** The eight 16-bit groups of an IPv6 address (`::`, an embedded IPv4 tail and a zone accepted), or undefined. */
function ipv6(text: string): number[] | undefined {
  let rest = text.replace(/%.*$/, '')
  const tail = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(rest)
  if (tail) {
    const bytes = ipv4(tail[1]!)
    if (bytes === undefined) return undefined
    rest = `${rest.slice(0, rest.length - tail[1]!.length)}${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`
  }
  const halves = rest.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) => (part === '' ? [] : part.split(':'))
  const head = parse(halves[0]!)
  const end = halves.length === 2 ? parse(halves[1]!) : []
  const missing = 8 - head.length - end.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...end]
  return groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group)) ? groups.map((group) => parseInt(group, 16)) : undefined
}

/**
 * The key a client address is throttled by. IPv4 as its four numbers; an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, how dual-stack sockets report IPv4 clients) as that IPv4 address; any other
 * IPv6 address by its /64, the block one customer usually gets, so an attacker cannot take a fresh
 * address from their own block for every attempt. A port or brackets from a proxy header are dropped.
 * Anything else (a proxy that sends names) is lowercased and cut; no address at all is one shared key.
 */
export function addressKey(address: string | undefined): string {
  const text = address?.trim().toLowerCase() ?? ''
  if (text === '') return 'unknown'
  const unwrapped = /^\[([^\]]+)\](?::\d+)?$/.exec(text)?.[1] ?? /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(text)?.[1] ?? text
  const four = ipv4(unwrapped)
  if (four !== undefined) return four.join('.')
  const groups = ipv6(unwrapped)
  if (groups === undefined) return text.slice(0, 64)
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.')
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`
}

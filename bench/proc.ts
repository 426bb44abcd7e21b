// What the bench reads from /proc (Linux): CPU time and memory of server processes, the process
// tree under a launcher (wrangler → workerd), and which loopback ports a process listens on.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

const CLK_TCK = Number(new TextDecoder().decode(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout).trim()) || 100

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may itself hold spaces and parentheses.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** User + system CPU of the whole process (all its threads), in microseconds. */
export function cpuMicros(pid: number): number {
  const fields = statFields(pid)
  return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1e6
}

/** Summed over several processes (workerd through its proxy: both do work per request). */
export const cpuMicrosOf = (pids: number[]): number => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0)

/** Resident set size now and at its peak (VmHWM), in MB. */
export function memoryMb(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

export function commandOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part !== '')
}

/** Every process below pid (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      parentOf.set(Number(entry), Number(statFields(Number(entry))[1]))
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = []
  let frontier = [pid]
  while (frontier.length > 0) {
    const next = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([child]) => child)
    found.push(...next)
    frontier = next
  }
  return found
}

/** TCP ports the process listens on, on 127.0.0.1 or every IPv4 address. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>()
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
      if (inode !== undefined) inodes.add(inode)
    } catch {
      // Closed meanwhile.
    }
  }
  const ports: number[] = []
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/)
    if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9]!)) continue
    const [address, port] = cols[1]!.split(':')
    if (address === '0100007F' || address === '00000000') ports.push(parseInt(port!, 16))
  }
  return ports
}

// What both soaks share: the catalogue they shop from, a seeded PRNG, and a process's resident memory.
import { readFileSync } from 'node:fs'

export const PRODUCTS = ['gift-card-25', 'sencha-uji-100g', 'matcha-ceremonial-30g', 'french-press-800ml', 'stoneware-mug-350ml', 'moka-pot-six-cup']
export const PRICES: Record<string, number> = {
  'gift-card-25': 2500,
  'sencha-uji-100g': 1290,
  'matcha-ceremonial-30g': 2890,
  'french-press-800ml': 3290,
  'stoneware-mug-350ml': 1690,
  'moka-pot-six-cup': 3490,
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

/** A small deterministic PRNG (mulberry32), so a seed replays the same choices. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

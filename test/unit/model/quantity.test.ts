import {describe, expect, it} from 'vitest'
import {formatQuantity, formatQuantityPair, parseCpuMillis, parseQuantity, parseQuantityValue, tryParseQuantity} from '../../../src/model/quantity.ts'

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1], ['2', 2], ['1.5', 1.5], ['4Gi', 4 * 2 ** 30], ['512Mi', 512 * 2 ** 20], ['1e3', 1000], ['1E3', 1000],
    ['1k', 1000], ['1M', 1e6], ['1G', 1e9], ['1Ki', 1024], ['1Pi', 2 ** 50], ['2E', 2e18], ['.5', 0.5], ['250u', 0.00025], ['-1', -1],
  ])('%s = %d', (text, value) => {
    expect(parseQuantity(text)).toBe(value)
  })

  it('rejects text that is not a quantity', () => {
    expect(() => parseQuantity('4GB')).toThrow(/invalid quantity/)
    expect(() => parseQuantity('abc')).toThrow(/invalid quantity/)
    expect(() => parseQuantity('toString')).toThrow(/invalid quantity/)
    expect(tryParseQuantity('1x')).toBeUndefined()
  })

  it('rounds cpu up to millicores and other values up to integers, like Quantity.MilliValue/Value', () => {
    expect(parseCpuMillis('100m')).toBe(100)
    expect(parseCpuMillis('0.1')).toBe(100)
    expect(parseCpuMillis('0.0001')).toBe(1)
    expect(parseCpuMillis('2')).toBe(2000)
    expect(parseQuantityValue('1.5')).toBe(2)
    expect(parseQuantityValue('1500m')).toBe(2)
    expect(parseQuantityValue('1Pi')).toBe(1125899906842624)
  })
})

describe('formatQuantity', () => {
  it('writes cpu as cores or millicores', () => {
    expect(formatQuantity('cpu', 3)).toBe('3')
    expect(formatQuantity('cpu', 1.5)).toBe('1500m')
    expect(formatQuantity('cpu', 0.25)).toBe('250m')
    expect(formatQuantity('cpu', 1.234)).toBe('1234m')
    expect(formatQuantity('cpu', 1.2344)).toBe('1234m')
  })

  it('writes bytes in binary units with one decimal', () => {
    expect(formatQuantity('memory', 1.2 * 2 ** 30)).toBe('1.2Gi')
    expect(formatQuantity('memory', 512 * 2 ** 20)).toBe('512Mi')
    expect(formatQuantity('memory', 4 * 2 ** 30)).toBe('4Gi')
    expect(formatQuantity('memory', 1023.97 * 2 ** 20)).toBe('1Gi')
    expect(formatQuantity('ephemeral-storage', 100)).toBe('100')
    expect(formatQuantity('hugepages-2Mi', 2 ** 21)).toBe('2Mi')
  })

  it('writes counts as integers', () => {
    expect(formatQuantity('pods', 110)).toBe('110')
    expect(formatQuantity('nvidia.com/gpu', 2)).toBe('2')
  })

  it('adds precision until two different values read differently', () => {
    expect(formatQuantityPair('memory', 4 * 2 ** 30, 3.96 * 2 ** 30)).toEqual(['4Gi', '3.96Gi'])
    expect(formatQuantityPair('memory', 4 * 2 ** 30, 4 * 2 ** 30)).toEqual(['4Gi', '4Gi'])
  })
})

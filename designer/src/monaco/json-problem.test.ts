import { describe, expect, it } from 'vitest'
import { describeJsonError, lineAndColumn } from './json-problem.ts'

function problem(text: string, locale: 'en' | 'zh-CN' = 'en'): string {
  try {
    JSON.parse(text)
  } catch (error) {
    return describeJsonError(text, error, locale)
  }
  throw new Error('parsed')
}

describe('a JSON syntax error in the operator\'s words', () => {
  it('names the line and column where the text stops being JSON, and what was expected there', () => {
    expect(problem('{\n  "a": 1\n  "b": 2\n}')).toBe('JSON syntax error at line 3, column 3: a comma or } is expected here')
    expect(problem('{\n  "a": 1\n  "b": 2\n}', 'zh-CN')).toBe('JSON 语法错误（第 3 行第 3 列）：此处应为逗号或 }')
  })

  it('says an unclosed bracket or quote when the text ends too early', () => {
    expect(problem('{ "nodes": [ { "id": "a" ', 'zh-CN')).toMatch(/^JSON 语法错误（第 1 行第 \d+ 列）：/)
    expect(problem('', 'zh-CN')).toBe('JSON 语法错误（第 1 行第 1 列）：内容提前结束，有括号或引号没有闭合')
  })

  it('names an unexpected character even when the browser gives no position', () => {
    expect(problem('[1,]')).toBe('JSON syntax error: unexpected "]"')
    expect(problem('[1,]', 'zh-CN')).toBe('JSON 语法错误：不该出现的“]”')
  })

  it('reads the V8 message with or without its own line and column', () => {
    const text = '{"a" 1}'
    const withLine = new SyntaxError('Expected \':\' after property name in JSON at position 5 (line 1 column 6)')
    expect(describeJsonError(text, withLine, 'en')).toBe('JSON syntax error at line 1, column 6: a colon is expected here')
  })

  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 })
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 })
  })
})

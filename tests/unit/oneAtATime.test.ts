import { describe, expect, it } from 'vitest'
import { oneAtATime } from '../../src/ui/lib/oneAtATime.ts'

/** A question whose answers the test releases one by one. */
function gatedQuestion() {
  const pending: (() => void)[] = []
  let started = 0
  const ask = () =>
    new Promise<void>((resolve) => {
      started++
      pending.push(resolve)
    })
  const answer = async () => {
    pending.shift()!()
    // Let the finished run's `finally` start the next one.
    for (let i = 0; i < 5; i++) await Promise.resolve()
  }
  return { ask, answer, started: () => started, waiting: () => pending.length }
}

describe('oneAtATime', () => {
  it('asks one at a time, and answers every call made meanwhile with one more run', async () => {
    const question = gatedQuestion()
    const run = oneAtATime(question.ask, () => false)
    void run()
    void run()
    void run()
    expect(question.started()).toBe(1)
    await question.answer()
    expect(question.started()).toBe(2)
    await question.answer()
    expect(question.started()).toBe(2)
    expect(question.waiting()).toBe(0)
  })

  it('runs nothing more once stopped', async () => {
    const question = gatedQuestion()
    let stopped = false
    const run = oneAtATime(question.ask, () => stopped)
    void run()
    void run()
    stopped = true
    await question.answer()
    expect(question.started()).toBe(1)
  })
})

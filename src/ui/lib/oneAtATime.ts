/**
 * `ask` run one call at a time: a call made while one runs is answered by a single further run once
 * it ends (however many came meanwhile), so answers never arrive out of order and the worker is never
 * asked the same question twice at once. Nothing runs once `stopped()` says so.
 */
export function oneAtATime(ask: () => Promise<void>, stopped: () => boolean): () => Promise<void> {
  let asking = false
  let askAgain = false
  const run = async (): Promise<void> => {
    if (asking) {
      askAgain = true
      return
    }
    asking = true
    try {
      await ask()
    } finally {
      asking = false
      if (askAgain && !stopped()) {
        askAgain = false
        void run()
      }
    }
  }
  return run
}

// An array consumed from the front by moving a head index (shift() is O(n)): once the head has
// passed everything, or more than half of a large array, the taken part is dropped.

export interface HeadArray<T> {
  items: T[]
  head: number
}

/** Moves the head to `end` and drops what is taken when it is all, or most, of the array. */
export function advanceHead<T>(queue: HeadArray<T>, end: number): void {
  queue.head = end
  if (queue.head === queue.items.length) {
    queue.items = []
    queue.head = 0
  } else if (queue.head > 4096 && queue.head * 2 > queue.items.length) {
    queue.items = queue.items.slice(queue.head)
    queue.head = 0
  }
}

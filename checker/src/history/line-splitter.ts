// Splits streamed text into lines for the line-based readers (JSON Lines, Porcupine's log),
// whatever the chunk boundaries, counting 1-based line numbers. Holds only the unfinished line.

/** Calls `onLine(text, lineNumber)` for each complete line; `end` flushes the last one. */
export interface LineSplitter {
  push(chunk: string): void;
  /** Flushes a last line without a newline; returns whether there was one. */
  end(): boolean;
}

/** Creates a line splitter; `stop()` returning true ends the splitting of the current chunk. */
export function createLineSplitter(
  onLine: (text: string, lineNumber: number, cut: boolean) => void,
  stop: () => boolean,
): LineSplitter {
  let pending = '';
  let lineNumber = 0;
  return {
    push(chunk) {
      const text = pending + chunk;
      let start = 0;
      let newline = text.indexOf('\n', start);
      while (newline >= 0 && !stop()) {
        lineNumber += 1;
        onLine(text.slice(start, newline), lineNumber, false);
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      pending = text.slice(start);
    },
    end() {
      const last = pending;
      pending = '';
      if (last === '' || stop()) return false;
      lineNumber += 1;
      // NB: a last line with no newline may be whole (an editor's file) or cut off (a crashed
      // recorder); readers say "cut off" only when the line is also unreadable.
      onLine(last, lineNumber, true);
      return true;
    },
  };
}

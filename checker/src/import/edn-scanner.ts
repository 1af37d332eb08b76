// Splits streamed EDN text into its top-level forms, or into the elements of one top-level
// vector or list (Jepsen writes both), with the line and column where each starts. It reads
// only brackets, strings, comments and character literals, so it can say where a form is cut
// off, where a closing bracket does not match, and where something that is not a map stands;
// the forms themselves are read by edn-data. Holds only the form being read.

import { type HistoryError, historyError } from '../history/history-error.ts';

/** One complete form: its text and where it starts (1-based). */
export interface EdnForm {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** A streaming splitter: push chunks, then end; the first error sticks. */
export interface EdnScanner {
  /** Feeds a chunk; calls `onForm` for each form it completes; returns the first error. */
  push(chunk: string): HistoryError | undefined;
  /** Ends the input: an unclosed form or collection is an error naming where it opened. */
  end(): HistoryError | undefined;
}

interface Open {
  readonly bracket: string;
  readonly line: number;
  readonly column: number;
}

const closerOf: Readonly<Record<string, string>> = { '{': '}', '[': ']', '(': ')' };
const nameOf: Readonly<Record<string, string>> = { '{': 'map', '[': 'vector', '(': 'list' };

/** Creates a scanner that hands each complete form to `onForm`. */
export function createEdnScanner(onForm: (form: EdnForm) => void): EdnScanner {
  return new Scanner(onForm);
}

class Scanner implements EdnScanner {
  private readonly stack: Open[] = [];
  private outer: Open | undefined; // the top-level vector or list holding the events, if any
  private outerClosed = false;
  private sawForm = false;
  private form: string[] = [];
  private formStart = 0;
  private formLine = 0;
  private formColumn = 0;
  private inString = false;
  private escaped = false;
  private skipNext = false;
  private inComment = false;
  private line = 1;
  private column = 0;
  private error: HistoryError | undefined;

  constructor(private readonly onForm: (form: EdnForm) => void) {}

  push(chunk: string): HistoryError | undefined {
    if (this.error === undefined) this.scanChunk(chunk);
    return this.error;
  }

  end(): HistoryError | undefined {
    if (this.error !== undefined) return this.error;
    const open = this.stack[0];
    if (open !== undefined) {
      const inside = this.inString ? ' inside a string' : '';
      this.fail(
        `the ${nameOf[open.bracket]} starting here is cut off: the input ends at line ${this.line}${inside} (was the file truncated?)`,
        `a closing ${closerOf[open.bracket]}`,
        open,
      );
    } else if (this.outer !== undefined && !this.outerClosed) {
      this.fail(
        `the ${nameOf[this.outer.bracket]} opened here is never closed: the input ends at line ${this.line}`,
        `a closing ${closerOf[this.outer.bracket]} after the last event`,
        this.outer,
      );
    }
    return this.error;
  }

  private fail(reason: string, expected: string, at?: { line: number; column: number }): void {
    const place = at ?? { line: this.line, column: this.column };
    this.error = historyError(place.line, 'bad-edn', reason, { column: place.column, expected });
  }

  private scanChunk(chunk: string): void {
    this.formStart = 0;
    for (let index = 0; index < chunk.length && this.error === undefined; index += 1) {
      const char = chunk.charAt(index);
      if (char === '\n') {
        this.line += 1;
        this.column = 0;
        this.inComment = false;
      } else {
        this.column += 1;
      }
      if (this.inComment) continue;
      if (this.skipNext) {
        this.skipNext = false;
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
      } else if (this.stack.length > 0) {
        this.scanInForm(chunk, index, char);
      } else {
        this.scanBetweenForms(chunk, index, char);
      }
    }
    if (this.stack.length > 0) this.form.push(chunk.slice(this.formStart));
  }

  private scanInForm(chunk: string, index: number, char: string): void {
    if (char === '"') this.inString = true;
    else if (char === ';') this.inComment = true;
    else if (char === '\\')
      this.skipNext = true; // a character literal such as \a
    else if (char in closerOf)
      this.stack.push({ bracket: char, line: this.line, column: this.column });
    else if (char === '}' || char === ']' || char === ')') this.closeInForm(chunk, index, char);
  }

  private closeInForm(chunk: string, index: number, char: string): void {
    const open = this.stack.pop() as Open;
    const closer = closerOf[open.bracket];
    if (char !== closer) {
      this.fail(
        `found ${char}`,
        `${closer} to close the ${nameOf[open.bracket]} opened at line ${open.line}, column ${open.column}`,
      );
      return;
    }
    if (this.stack.length > 0) return;
    this.form.push(chunk.slice(this.formStart, index + 1));
    this.onForm({ text: this.form.join(''), line: this.formLine, column: this.formColumn });
    this.form = [];
  }

  private scanBetweenForms(chunk: string, index: number, char: string): void {
    if (char === ' ' || char === ',' || char === '\n' || char === '\r' || char === '\t') return;
    const outer = this.outer;
    if (char === ';') {
      this.inComment = true;
    } else if (this.outerClosed) {
      this.fail(`found ${JSON.stringify(char)} after the closing bracket`, 'the end of the input');
    } else if (char === '{') {
      this.stack.push({ bracket: char, line: this.line, column: this.column });
      this.form = [];
      this.formStart = index;
      this.formLine = this.line;
      this.formColumn = this.column;
      this.sawForm = true;
    } else if ((char === '[' || char === '(') && outer === undefined && !this.sawForm) {
      this.outer = { bracket: char, line: this.line, column: this.column };
    } else if (outer !== undefined && char === closerOf[outer.bracket]) {
      this.outerClosed = true;
    } else {
      const token = /^[^\s,{}[\]()]*/.exec(chunk.slice(index, index + 24))?.[0] || char;
      this.fail(
        `found ${JSON.stringify(token)}`,
        'an EDN map such as {:type :invoke, :f :read, ...}',
      );
    }
  }
}

/**
 * Unsolved workshop exercises. A workshop copy (npm run workshop) replaces each worked solution
 * by a stub cell that calls `exerciseTodo("Exercise 2", "05_bessel_cnn")`.
 *
 * What Run All does at an unsolved exercise (our choice): a student running a workshop copy
 * expects to see the whole notebook run — the derivations, figures and checks after an exercise
 * are part of the lesson — so the stub prints one line naming the exercise and the notebook
 * carries on. The reminder is a stderr line starting with "⚠", so it stands out in JupyterLab
 * (red background) without stopping Run All. Cells that use a variable the solution would define
 * fail on their own, with TypeScript's message naming that variable.
 * BESSELBOOK_EXERCISES=strict makes stubs throw an ExerciseError instead (one line, no stack):
 * for a teacher's CI that checks that every exercise in a copy has been answered.
 */
import { DomainError, ExerciseError } from "../errors";

export type ExerciseMode = "continue" | "strict";

/** How unsolved exercises behave: BESSELBOOK_EXERCISES = "continue" (default) | "strict". */
export function exerciseMode(): ExerciseMode {
  const raw = (process.env.BESSELBOOK_EXERCISES ?? "").trim().toLowerCase();
  if (raw === "" || raw === "continue") return "continue";
  if (raw === "strict") return "strict";
  throw new DomainError(
    `exerciseTodo: BESSELBOOK_EXERCISES = ${JSON.stringify(process.env.BESSELBOOK_EXERCISES)} is out of domain; expected "continue" or "strict"`,
  );
}

/** The one line a student sees for an unsolved exercise. */
export function exerciseMessage(label: string, notebookStem: string): string {
  return `${label} in ${notebookStem} is not solved yet: write your solution in this cell (and delete the exerciseTodo line)`;
}

/**
 * Mark an unsolved exercise (see module comment). Returns nothing, so the cell echoes nothing.
 * Throws RangeError for an empty label; ExerciseError in strict mode.
 */
export function exerciseTodo(label: string, notebookStem: string): void {
  if (typeof label !== "string" || label.trim() === "") {
    throw new DomainError(
      `exerciseTodo: argument label = ${JSON.stringify(label)} is out of domain; expected the exercise's name, e.g. "Exercise 2"`,
    );
  }
  if (typeof notebookStem !== "string" || notebookStem.trim() === "") {
    throw new DomainError(
      `exerciseTodo: argument notebookStem = ${JSON.stringify(notebookStem)} is out of domain; expected a notebook name like "05_bessel_cnn"`,
    );
  }
  const msg = exerciseMessage(label, notebookStem);
  if (exerciseMode() === "strict") throw new ExerciseError(msg);
  process.stderr.write(`⚠ ${msg}; the notebook carries on.\n`);
}

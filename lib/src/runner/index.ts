/** Host-side notebook runner: kernelspec, Jupyter client, notebook IO, run API, CLI. */
export { runNotebook, runNotebooks, runEnv, parseParam } from "./run";
export type { RunOptions, RunManyOptions, RunResult, CellResult, CellStatus, Failure, Mode } from "./run";
export { KernelClient, killAllKernels } from "./client";
export type { ConnectionInfo, ExecuteOutcome, ExecuteOptions, StartOptions } from "./client";
export { kernelSpec, kernelPreload, installKernelSpec, findKernelSpec, listKernelSpecs, jupyterDataDir, jupyterPaths, projectRoot, tslabEntry, KERNEL_NAME, KERNEL_DISPLAY_NAME } from "./kernelspec";
export type { KernelSpec, InstalledKernelSpec } from "./kernelspec";
export { readNotebook, parseNotebook, serializeNotebook, writeNotebook, writeFileAtomic, splitLines, cellTags } from "./notebook";
export type { Notebook, Cell, Output, MimeBundle } from "./notebook";
export { main, expandNotebookArgs } from "./cli";

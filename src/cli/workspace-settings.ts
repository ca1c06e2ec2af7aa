/** The workspace a command runs in: the nearest stronghold.yaml above the working folder, if any. */
import { RUNBOOK_IDS } from "../../runbooks/ids.js";
import { InputError } from "../support/errors.js";
import { findWorkspaceFile, loadWorkspace, type Workspace } from "../workspace/workspace-file.js";
import type { Io } from "./io.js";

/** The working folder commands resolve relative paths and find the workspace from. */
export function workingDir(io: Io): string {
  return io.cwd ?? process.cwd();
}

/** The workspace around the working folder, or undefined outside one; a broken file is an InputError. */
export async function currentWorkspace(io: Io): Promise<Workspace | undefined> {
  const file = findWorkspaceFile(workingDir(io));
  if (file === undefined) return undefined;
  const loaded = await loadWorkspace(file, RUNBOOK_IDS);
  if (!loaded.ok) throw new InputError(loaded.problems);
  return loaded.workspace;
}

/**
 * File manifests on any host: built where the files are (worker threads on this machine, one
 * shell command over SSH) and compared after a recovery.
 */
import type { HostSession } from "../../hosts/transport/session.js";
import type { Manifest, ManifestOptions } from "./entries.js";
import { localManifest } from "./local-manifest.js";
import { remoteManifest } from "./remote-manifest.js";

// The data model and the comparison, so callers need this module only.
export {
  ManifestError,
  type Manifest,
  type ManifestEntry,
  type ManifestLinks,
  type ManifestSymlink,
  type ManifestOptions,
} from "./entries.js";
export { compareManifests, type ManifestDiff } from "./compare.js";

/** Hashes a tree on the host: local → worker threads with 1 MiB reads; ssh → find/stat/sha256sum on the host. */
export function buildManifest(
  session: HostSession,
  root: string,
  options: ManifestOptions = {},
): Promise<Manifest> {
  const transport = session.host.transport;
  switch (transport.kind) {
    case "local":
      return localManifest(root, options);
    case "ssh":
      return remoteManifest(session, root, options);
  }
}

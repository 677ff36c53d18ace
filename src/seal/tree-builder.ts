// Who builds PreCommit2's Poseidon trees (tree-c, tree-r-last): the CPU kernels of native/sdr by
// default, or an OpenCL device (src/gpu/select.ts, docs/gpu.md). Both write the same files and
// return the same roots; pc2.ts only sees this interface.
import { buildTreeC, buildTreeRLast, type BuildTreeCOptions, type BuildTreeRLastOptions, type TreeRoots } from '../native/pc2.js';
import { snapEncodeNative, type SnapEncodeOptions } from '../native/snap.js';

export interface TreeBuilder {
  /** 'cpu', or the device that builds the trees, e.g. "opencl:0:0 (NVIDIA GeForce RTX 3090)" */
  readonly device: string;
  buildTreeC(o: BuildTreeCOptions<string | null>): Promise<TreeRoots<string | null>>;
  buildTreeRLast(o: BuildTreeRLastOptions<string | null>): Promise<TreeRoots<string | null>>;
  /** SnapDeals encoding of a whole replica (new = key + data·rho), same contract as snapEncodeNative */
  snapEncode(o: SnapEncodeOptions): Promise<void>;
  /** releases devices; the CPU builder has nothing to release */
  close(): void;
}

export const cpuTreeBuilder: TreeBuilder = {
  device: 'cpu',
  buildTreeC: (o) => buildTreeC(o),
  buildTreeRLast: (o) => buildTreeRLast(o),
  snapEncode: (o) => snapEncodeNative(o),
  close: () => undefined,
};

/**
 * WebGPU in Node through Dawn's bindings (the `webgpu` package), loaded only
 * when a GPU backend is asked for, and the adapter this program chooses:
 *
 * 1. Dawn's default backend for the platform (Vulkan on Linux, Metal on macOS,
 *    D3D12 on Windows), high-performance preferred: a real GPU where there is one.
 * 2. On Linux, where that finds no adapter or only a software one, OpenGL ES on
 *    Mesa through surfaceless EGL at WebGPU's compatibility level: Mesa's
 *    llvmpipe, which hashes faster than lavapipe (Vulkan) on the same cores.
 *
 * These settings are the program's, not the user's environment's: the process
 * that opens Dawn is started with `EGL_PLATFORM=surfaceless` (see gpu-process.ts).
 * @module
 */
import { NoGpuError, isSoftwareAdapter, openGpuKernel, type GpuHost, type GpuKernel } from '../gpu/kernel.ts';

/**
 * Every Dawn instance made, kept for the life of the process: Dawn's bindings go on processing an
 * instance's events after the instance is collected, and crash there (seen with an instance that
 * offered no adapter, once other work made the garbage collector run).
 */
const instances: GpuHost[] = [];

/** What the `webgpu` package exports. */
interface DawnModule {
  create(flags: string[]): GpuHost;
}

/** One way of asking Dawn for an adapter. */
export interface DawnRoute {
  /** Dawn's instance flags, e.g. `backend=opengles`. */
  readonly flags: readonly string[];
  /** The adapter options beside `powerPreference: 'high-performance'`. */
  readonly adapter: GPURequestAdapterOptions;
  /** Whether a software adapter found this way is taken (else the next route is tried first). */
  readonly softwareOk: boolean;
}

/** The routes tried in order (see the module's comment). */
export function dawnRoutes(platform: NodeJS.Platform = process.platform): DawnRoute[] {
  const routes: DawnRoute[] = [{ flags: [], adapter: {}, softwareOk: platform !== 'linux' }];
  if (platform === 'linux') routes.push({ flags: ['backend=opengles'], adapter: { featureLevel: 'compatibility' }, softwareOk: true });
  return routes;
}

/** What to install where Dawn is missing, in one line. */
export const INSTALL_DAWN = "install the optional package 'webgpu' beside the miner (npm install webgpu)";
/** What to install where Dawn finds no adapter on Linux, in one line. */
export const INSTALL_MESA = 'on Debian or Ubuntu, apt-get install libegl-mesa0 libgl1-mesa-dri libegl-dev gives the software adapter (Mesa llvmpipe); elsewhere, a GPU driver with Vulkan, Metal or D3D12';

/**
 * Import Dawn's bindings.
 * @throws NoGpuError where the `webgpu` package is not installed (or does not load on this platform).
 */
export async function loadDawn(): Promise<DawnModule> {
  try {
    return (await import('webgpu')) as unknown as DawnModule;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new NoGpuError(`no WebGPU for Node: the 'webgpu' package did not load (${why}); ${INSTALL_DAWN}`);
  }
}

/**
 * Open the kernel on the adapter Dawn offers by the first route that gives one
 * (a software adapter only where no later route gives a hardware one).
 * @throws NoGpuError where Dawn is missing or no route gives an adapter.
 */
export async function openDawnKernel(dawn?: DawnModule, routes: readonly DawnRoute[] = dawnRoutes()): Promise<GpuKernel> {
  const module = dawn ?? (await loadDawn());
  let software: { gpu: GpuHost; route: DawnRoute } | null = null;
  for (const route of routes) {
    const gpu = module.create([...route.flags]);
    instances.push(gpu);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...route.adapter });
    if (!adapter) continue;
    if (!isSoftwareAdapter(adapter.info) || route.softwareOk) return openGpuKernel(gpu, { adapter: route.adapter });
    software ??= { gpu, route };
  }
  if (software) return openGpuKernel(software.gpu, { adapter: software.route.adapter });
  throw new NoGpuError(`no GPU adapter: Dawn found none (${process.platform}); ${process.platform === 'linux' ? INSTALL_MESA : 'a GPU driver with Vulkan, Metal or D3D12 is needed'}`);
}

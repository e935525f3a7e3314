/**
 * The two builds of the kernel, named apart from the kernel wrapper so that
 * modules naming a build (and their type declarations) need no WebAssembly types.
 */

/** Which build of the kernel: 4-lane SIMD, or scalar for engines without SIMD. */
export type KernelBuild = 'simd' | 'scalar';

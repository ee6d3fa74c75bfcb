/// <reference types="@webgpu/types" />
/*
 * The WebGPU type declarations (`@webgpu/types`) for the files of this folder: GPUDevice, GPUBuffer
 * and the usage flags are ambient there. Each file that names them imports this one for its types.
 */
export type Gpu = GPU;
export type GpuDevice = GPUDevice;
export type GpuAdapter = GPUAdapter;
export type GpuBufferHandle = GPUBuffer;
export type GpuComputePipeline = GPUComputePipeline;
export type GpuCommandEncoder = GPUCommandEncoder;
export type GpuBindGroupEntry = GPUBindGroupEntry;

// placeholder: owned by the kernel/tensor helper
export async function init(): Promise<string> { throw new Error("init not implemented yet"); }

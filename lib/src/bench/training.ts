export async function run(): Promise<void> { console.log("training: not written yet"); }

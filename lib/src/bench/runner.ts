export async function run(): Promise<void> { console.log("runner: not written yet"); }

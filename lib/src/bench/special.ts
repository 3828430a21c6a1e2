export async function run(): Promise<void> { console.log("special: not written yet"); }

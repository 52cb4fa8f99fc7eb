import { evaluate } from "./offline/mockCloud";
(async () => { for (const s of ["dev", "prod"]) { try { const e = await evaluate({ stack: s }); console.log(s, "OK", e.resources.length); } catch (e) { console.log(s, String((e as Error).message)); } } })();

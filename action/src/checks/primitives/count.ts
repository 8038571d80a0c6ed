import type { PrimitiveImpl } from "./types.js";

/** count: records in the window that match the pattern and filters → `count`. Zero records is a real zero. */
export const count: PrimitiveImpl = {
  input: "records",
  measure(records) {
    return { measurement: { subject: "records", observed: { count: records.length } }, matched: records };
  },
};

/** The incident record: one owner for the layout and the files of incidents/. */
export * from "./paths.js";
export * from "./index-file.js";
export * from "./alerts.js";
export * from "./frontmatter.js";

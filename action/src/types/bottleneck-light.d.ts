// bottleneck/light.js is the build without Redis clustering that plugin-throttling itself loads; it
// has the main entry's API and types.
declare module "bottleneck/light.js" {
  import Bottleneck from "bottleneck";
  export default Bottleneck;
}

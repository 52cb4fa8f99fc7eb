// The component package: every public component and its argument types.
export * from "./network";
export * from "./cluster";
export * from "./addons";
export * from "./idp";
export * from "./networkPolicy/generator";
export * from "./platform";

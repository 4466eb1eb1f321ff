/** Least privilege and hardening: pod security defaults and NetworkPolicies. */
export * from "./pod-security";
export * from "./network-policies";
export { NetworkPolicies, type NetworkPoliciesArgs } from "./network-policies-component";
export { SECURITY_DEFAULTS, type NetworkPolicyConfig, type SecurityConfig } from "./config";

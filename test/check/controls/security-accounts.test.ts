import { machineCases } from "../../fixtures/control-cases.js";
import {
  compliantKiosk,
  compliantLinuxServer,
  compliantMachine,
  compliantServer,
} from "../../fixtures/machine-factory.js";

describe("sec-password-min-length", () => {
  machineCases("sec-password-min-length", [
    { name: "14 characters", expect: "pass" },
    {
      name: "Linux server with 16",
      machine: compliantLinuxServer(),
      set: { "/security/passwordPolicy/minLength": 16 },
      expect: "pass",
    },
    {
      name: "8 characters",
      set: { "/security/passwordPolicy/minLength": 8 },
      expect: "fail",
      evidence: { pointer: "/security/passwordPolicy/minLength", actual: 8 },
    },
    { name: "14 with the town raising the floor to 16", params: { minLength: 16 }, expect: "fail" },
    {
      name: "unknown length",
      set: { "/security/passwordPolicy/minLength": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/passwordPolicy/minLength", actual: "unknown" },
    },
    {
      name: "unknown password policy",
      set: { "/security/passwordPolicy": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: no password policy reported",
      set: { "/security/passwordPolicy": undefined },
      expect: "fail",
    },
    { name: "network device", set: { "/role": "network-device" }, expect: "not-applicable" },
    { name: "spare machine", set: { "/lifecycle/status": "spare" }, expect: "not-applicable" },
  ]);
});

describe("sec-password-history", () => {
  machineCases("sec-password-history", [
    { name: "24 remembered", expect: "pass" },
    { name: "12 remembered", set: { "/security/passwordPolicy/history": 12 }, expect: "fail" },
    { name: "0 remembered", set: { "/security/passwordPolicy/history": 0 }, expect: "fail" },
    {
      name: "unknown history",
      set: { "/security/passwordPolicy/history": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-password-complexity", () => {
  machineCases("sec-password-complexity", [
    { name: "complexity on", expect: "pass" },
    {
      name: "complexity off",
      set: { "/security/passwordPolicy/complexity": false },
      expect: "fail",
    },
    {
      name: "unknown complexity",
      set: { "/security/passwordPolicy/complexity": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-account-lockout-threshold", () => {
  machineCases("sec-account-lockout-threshold", [
    { name: "5 attempts", expect: "pass" },
    { name: "3 attempts", set: { "/security/lockout/threshold": 3 }, expect: "pass" },
    { name: "10 attempts", set: { "/security/lockout/threshold": 10 }, expect: "fail" },
    {
      name: "0 (never locks)",
      set: { "/security/lockout/threshold": 0 },
      expect: "fail",
      evidence: { pointer: "/security/lockout/threshold", actual: 0 },
    },
    {
      name: "10 attempts with the town allowing 10",
      set: { "/security/lockout/threshold": 10 },
      params: { maxThreshold: 10 },
      expect: "pass",
    },
    {
      name: "unknown threshold",
      set: { "/security/lockout/threshold": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown lockout policy",
      set: { "/security/lockout": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-account-lockout-duration", () => {
  machineCases("sec-account-lockout-duration", [
    { name: "15 minutes", expect: "pass" },
    { name: "30 minutes", set: { "/security/lockout/durationMinutes": 30 }, expect: "pass" },
    { name: "10 minutes", set: { "/security/lockout/durationMinutes": 10 }, expect: "fail" },
    {
      name: "unknown duration",
      set: { "/security/lockout/durationMinutes": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-screen-lock", () => {
  machineCases("sec-screen-lock", [
    { name: "900 seconds", expect: "pass" },
    {
      name: "server console at 600 seconds",
      machine: compliantServer({ security: { screenLockSeconds: 600 } }),
      expect: "pass",
    },
    { name: "1800 seconds", set: { "/security/screenLockSeconds": 1800 }, expect: "fail" },
    {
      name: "0 (never locks)",
      set: { "/security/screenLockSeconds": 0 },
      expect: "fail",
      evidence: { pointer: "/security/screenLockSeconds", actual: 0 },
    },
    {
      name: "unknown timeout",
      set: { "/security/screenLockSeconds": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      set: { "/security/screenLockSeconds": undefined },
      expect: "fail",
    },
    { name: "public kiosk", machine: compliantKiosk(), expect: "not-applicable" },
  ]);
});

describe("sec-guest-account-disabled", () => {
  machineCases("sec-guest-account-disabled", [
    { name: "guest disabled", expect: "pass" },
    { name: "guest enabled", set: { "/security/guestEnabled": true }, expect: "fail" },
    {
      name: "unknown guest state",
      set: { "/security/guestEnabled": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "Linux has no guest account",
      machine: compliantLinuxServer(),
      expect: "not-applicable",
    },
  ]);
});

describe("sec-local-admin-not-shared", () => {
  machineCases("sec-local-admin-not-shared", [
    { name: "LAPS account and a personal admin", expect: "pass" },
    { name: "no local admins at all", set: { "/security/localAdmins": [] }, expect: "pass" },
    {
      name: "vault-managed shared account",
      set: { "/security/localAdmins/1/passwordManagement": "vault" },
      expect: "pass",
    },
    {
      name: "disabled shared account",
      set: {
        "/security/localAdmins/0": {
          name: "itadmin",
          enabled: false,
          personal: false,
          passwordManagement: "none",
        },
      },
      expect: "pass",
    },
    {
      name: "shared account without rotation",
      set: { "/security/localAdmins/1/passwordManagement": "none" },
      expect: "fail",
      evidence: { pointer: "/security/localAdmins/1/passwordManagement", actual: "none" },
    },
    {
      name: "shared account with no management recorded",
      set: { "/security/localAdmins/1/passwordManagement": undefined },
      expect: "fail",
    },
    {
      name: "unknown admin list",
      set: { "/security/localAdmins": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown ownership and rotation",
      set: {
        "/security/localAdmins/1/personal": "unknown",
        "/security/localAdmins/1/passwordManagement": "unknown",
      },
      expect: "fail",
    },
    {
      name: "unknown enabled state counts as enabled",
      set: { "/security/localAdmins/0": { name: "itadmin", enabled: "unknown", personal: false } },
      expect: "fail",
    },
    {
      name: "Linux shared sudo account",
      machine: compliantLinuxServer(),
      set: { "/security/localAdmins/1/personal": false },
      expect: "fail",
    },
  ]);
});

describe("sec-logon-banner", () => {
  machineCases("sec-logon-banner", [
    { name: "banner shown", expect: "pass" },
    { name: "network device with a banner", set: { "/role": "network-device" }, expect: "pass" },
    { name: "no banner", set: { "/security/logonBanner": false }, expect: "fail" },
    {
      name: "unknown banner",
      set: { "/security/logonBanner": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

void compliantMachine;

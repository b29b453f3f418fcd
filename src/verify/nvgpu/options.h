// NVIDIA GPU verification inputs and validation options.
//
// The device chain comes with the evidence (--cert CHAIN.pem, leaf first; or inside a JSON
// evidence bundle), the RIMs are files the caller fetched ahead of time from NVIDIA's RIM
// service (--rim, offline), and the trust anchors are built in (trust/nvidia_roots.h);
// --trust-root adds anchors for test PKIs, and evidence chaining to one is "simulated".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "crypto/x509.h"

namespace veritee::nvgpu {

struct RimFile {
  std::string name;  // for messages: the file name
  Bytes xml;         // the exact file bytes
};

struct ValidationOptions {
  // Exact values by claim name: nonce (32 bytes), fwid (48 bytes).
  std::map<std::string, Bytes> expect;
  // Reject when a driver or a VBIOS RIM is missing (by default the measurements are
  // compared with the RIMs given, and a note says which were not compared).
  bool require_rims = false;
};

struct VerifyInputs {
  UnixTime at = 0;
  std::vector<Certificate> certs;        // the GPU's chain, leaf first (--cert)
  std::vector<Certificate> extra_roots;  // --trust-root: never replaces the built-in roots
  std::vector<RimFile> rims;             // --rim
  ValidationOptions validation;
};

// Field names accepted by `expect` with their sizes in bytes.
const std::map<std::string, size_t>& ExpectableFields();

// "nonce" + hex -> bytes, checked against ExpectableFields (kInvalidArgument otherwise).
Result<Bytes> ParseExpectValue(const std::string& name, const std::string& hex);

}  // namespace veritee::nvgpu

// NVIDIA trust anchors for GPU confidential-computing attestation.
//
// Two public self-signed P-384 roots, each pinned by the SHA-256 of its DER encoding
// (nvidia_roots.cc refuses a certificate whose fingerprint differs):
//   * "NVIDIA Device Identity CA": the root of every Hopper and Blackwell GPU's device
//     certificate chain (FMC LF -> BROM -> Provisioner ICA -> Identity -> this root).
//     NVIDIA publishes it with its verifier in github.com/NVIDIA/nvtrust,
//     guest_tools/gpu_verifiers/local_gpu_verifier/src/verifier/certs/verifier_device_root.pem,
//     and serves device certificate status from its OCSP responder ocsp.ndis.nvidia.com.
//   * "NVIDIA CoRIM signing Root CA": the root of the chains that sign the driver and VBIOS
//     Reference Integrity Manifests (HCC RIM L4 Signer -> Reference Value L3 -> Reference
//     Value CA -> this root). Published beside the other as .../verifier/certs/
//     verifier_RIM_root.pem (also in github.com/NVIDIA/attestation-sdk as
//     nv-attestation-sdk-cpp/unit-tests/testdata/trusted_certs/rim_root.crt); the RIMs
//     themselves come from NVIDIA's RIM service, rim.attestation.nvidia.com.
#include "trust/nvidia_roots_data.h"

namespace veritee::trust {

// clang-format off
const NvidiaRootPem kNvidiaDeviceIdentityRoot = {
  "NVIDIA Device Identity CA",
  "102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48",
    "-----BEGIN CERTIFICATE-----\n"
    "MIICCzCCAZCgAwIBAgIQLTZwscoQBBHB/sDoKgZbVDAKBggqhkjOPQQDAzA1MSIw\n"
    "IAYDVQQDDBlOVklESUEgRGV2aWNlIElkZW50aXR5IENBMQ8wDQYDVQQKDAZOVklE\n"
    "SUEwIBcNMjExMTA1MDAwMDAwWhgPOTk5OTEyMzEyMzU5NTlaMDUxIjAgBgNVBAMM\n"
    "GU5WSURJQSBEZXZpY2UgSWRlbnRpdHkgQ0ExDzANBgNVBAoMBk5WSURJQTB2MBAG\n"
    "ByqGSM49AgEGBSuBBAAiA2IABA5MFKM7+KViZljbQSlgfky/RRnEQScW9NDZF8SX\n"
    "gAW96r6u/Ve8ZggtcYpPi2BS4VFu6KfEIrhN6FcHG7WP05W+oM+hxj7nyA1r1jkB\n"
    "2Ry70YfThX3Ba1zOryOP+MJ9vaNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B\n"
    "Af8EBAMCAQYwHQYDVR0OBBYEFFeF/4PyY8xlfWi3Olv0jUrL+0lfMB8GA1UdIwQY\n"
    "MBaAFFeF/4PyY8xlfWi3Olv0jUrL+0lfMAoGCCqGSM49BAMDA2kAMGYCMQCPeFM3\n"
    "TASsKQVaT+8S0sO9u97PVGCpE9d/I42IT7k3UUOLSR/qvJynVOD1vQKVXf0CMQC+\n"
    "EY55WYoDBvs2wPAH1Gw4LbcwUN8QCff8bFmV4ZxjCRr4WXTLFHBKjbfneGSBWwA=\n"
    "-----END CERTIFICATE-----\n"
};

const NvidiaRootPem kNvidiaRimRoot = {
  "NVIDIA CoRIM signing Root CA",
  "12977b5115acb0381179279fffeb5a8c4d264971ebb32298023a465fa41df5d1",
    "-----BEGIN CERTIFICATE-----\n"
    "MIICKTCCAbCgAwIBAgIQRdrjoA5QN73fh1N17LXicDAKBggqhkjOPQQDAzBFMQsw\n"
    "CQYDVQQGEwJVUzEPMA0GA1UECgwGTlZJRElBMSUwIwYDVQQDDBxOVklESUEgQ29S\n"
    "SU0gc2lnbmluZyBSb290IENBMCAXDTIzMDMxNjE1MzczNFoYDzIwNTMwMzA4MTUz\n"
    "NzM0WjBFMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGTlZJRElBMSUwIwYDVQQDDBxO\n"
    "VklESUEgQ29SSU0gc2lnbmluZyBSb290IENBMHYwEAYHKoZIzj0CAQYFK4EEACID\n"
    "YgAEuECyi9vNM+Iw2lfUzyBldHAwaC1HF7TCgp12QcEyUTm3Tagxwr48d55+K2VI\n"
    "lWYIDk7NlAIQdcV/Ff7euGLI+Qauj93HsSI4WX298PpW54RTgz9tC+Q684caR/BX\n"
    "WEeZo2MwYTAdBgNVHQ4EFgQUpaXrOPK4ZDAk08DBskn594zeZjAwHwYDVR0jBBgw\n"
    "FoAUpaXrOPK4ZDAk08DBskn594zeZjAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B\n"
    "Af8EBAMCAQYwCgYIKoZIzj0EAwMDZwAwZAIwHGDyscDP6ihHqRvZlI3eqZ4YkvjE\n"
    "1duaN84tAHRVgxVMvNrp5Tnom3idHYGW/dskAjATvjIx6VzHm/4e2GiZAyZEIUBD\n"
    "OKPzp5ei/A0iUZpdvngenDwV8Qa/wGdiTmJ7Bp4=\n"
    "-----END CERTIFICATE-----\n"
};
// clang-format on

}  // namespace veritee::trust

// A KBS client: the guest side of the protocol (kbs_attestation_protocol.md) over HTTP(S)
// with cpp-httplib. `veritee kbs get-resource`, the end-to-end tests and the load
// generator use it. One client holds one keep-alive connection; use one per thread.
//
// GetResource runs the whole handshake: POST /kbs/v0/auth (nonce + session cookie), a
// fresh TEE key pair, runtime data {nonce, tee-pubkey} hashed into the report data of the
// evidence (SHA-384, as trustee's attesters), POST /kbs/v0/attest (token), GET the
// resource, and decrypts the JWE with the TEE key.
#pragma once

#include <memory>
#include <string>

#include "crypto/jwe.h"
#include "kbs/sim_guest.h"

namespace veritee::service {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string set_cookie;
};

struct KbsClientOptions {
  std::string url;          // http://127.0.0.1:8080 or https://host:port
  std::string ca_file;      // https: the CA that signed the server's certificate
  int timeout_s = 30;
};

class KbsClient {
 public:
  static Result<std::unique_ptr<KbsClient>> Create(const KbsClientOptions& options);
  ~KbsClient();

  // Raw requests (an Error only when no HTTP response came back).
  Result<HttpReply> Post(const std::string& path, const std::string& body, const std::string& cookie = "");
  Result<HttpReply> Get(const std::string& path, const std::string& cookie = "",
                        const std::string& bearer = "");
  Result<HttpReply> Request(const std::string& method, const std::string& path, const std::string& body,
                            const std::string& content_type, const std::string& bearer);

  struct Handshake {
    int status = 0;             // of the step that ended the handshake (200 on success)
    std::string step;           // "auth", "attest", "resource" or "done"
    std::string detail;         // the server's problem detail on failure
    std::string token;          // the attestation token
    std::string session;        // the session cookie value
    SecretBytes secret;         // the resource, on success
  };
  // `kbs_tee` as the protocol names it ("snp", "tdx").
  Result<Handshake> GetResource(const std::string& resource_path, const std::string& kbs_tee,
                                const kbs::GuestEvidence& evidence, const TeeKeyPair& key);

 private:
  struct Impl;
  explicit KbsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The value of kbs-session-id in a Set-Cookie header.
std::string SessionFromSetCookie(const std::string& set_cookie);

}  // namespace veritee::service

// Service metrics in the Prometheus text exposition format (version 0.0.4):
//   veritee_http_requests_total{route, status}            counter
//   veritee_http_request_duration_seconds{route}          histogram (le buckets, sum, count)
//   veritee_verifications_total{tee, verdict}             counter
//   veritee_kbs_events_total{event}                        counter (auth, attest, release,
//                                                          release_denied, ...)
// Routes are the route patterns, never raw paths, so the label set stays bounded.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>

namespace veritee::service {

class Metrics {
 public:
  void Request(const std::string& route, int status, double seconds);
  void Verification(const std::string& tee, const std::string& verdict);
  void Event(const std::string& event);
  std::string Render() const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::pair<std::string, std::string>, uint64_t> verifications_;
  std::map<std::string, uint64_t> events_;
};

}  // namespace veritee::service

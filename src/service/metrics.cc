#include "service/metrics.h"

#include <cstdio>
#include <sstream>

namespace veritee::service {
namespace {

// Label values are ours (route patterns, tee names), but escape anyway.
std::string Esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void Metrics::Request(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::Verification(const std::string& tee, const std::string& verdict) {
  std::lock_guard<std::mutex> lock(mu_);
  ++verifications_[{tee, verdict}];
}

void Metrics::Event(const std::string& event) {
  std::lock_guard<std::mutex> lock(mu_);
  ++events_[event];
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream o;
  o << "# HELP veritee_http_requests_total HTTP requests by route pattern and status.\n"
    << "# TYPE veritee_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    o << "veritee_http_requests_total{route=\"" << Esc(key.first) << "\",status=\"" << key.second
      << "\"} " << n << "\n";
  }
  o << "# HELP veritee_http_request_duration_seconds Time from request read to response.\n"
    << "# TYPE veritee_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      o << "veritee_http_request_duration_seconds_bucket{route=\"" << Esc(route) << "\",le=\""
        << Num(kBuckets[i]) << "\"} " << h.buckets[i] << "\n";
    }
    o << "veritee_http_request_duration_seconds_bucket{route=\"" << Esc(route)
      << "\",le=\"+Inf\"} " << h.count << "\n"
      << "veritee_http_request_duration_seconds_sum{route=\"" << Esc(route) << "\"} "
      << Num(h.sum) << "\n"
      << "veritee_http_request_duration_seconds_count{route=\"" << Esc(route) << "\"} " << h.count
      << "\n";
  }
  o << "# HELP veritee_verifications_total Evidence verifications by TEE and verdict.\n"
    << "# TYPE veritee_verifications_total counter\n";
  for (const auto& [key, n] : verifications_) {
    o << "veritee_verifications_total{tee=\"" << Esc(key.first) << "\",verdict=\""
      << Esc(key.second) << "\"} " << n << "\n";
  }
  o << "# HELP veritee_kbs_events_total Key-broker events (auth, attest, release, refusals).\n"
    << "# TYPE veritee_kbs_events_total counter\n";
  for (const auto& [event, n] : events_) {
    o << "veritee_kbs_events_total{event=\"" << Esc(event) << "\"} " << n << "\n";
  }
  return o.str();
}

}  // namespace veritee::service

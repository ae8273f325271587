// Many logins over one connection. Each login gets exactly the Report
// lookup_login() would give it (the same code runs it), but the queries
// are sent together where the driver can do better than one round trip
// per user (Driver::query_batch: pgsql and mysql send up to 256 per
// multi-statement message). audit and diff are built on this.
#pragma once

#include <ctime>
#include <vector>

#include "core/config.hpp"
#include "core/driver/driver.hpp"
#include "core/login_request.hpp"
#include "core/lookup.hpp"

namespace loginref {

// Runs lookup_login for each of `requests` and returns their Reports in
// the same order. Each user still gets their own expanded query text, as
// Dovecot sends it. Never throws DriverError: a failing query is that
// user's tempfail, as in lookup_login.
std::vector<Report> lookup_batch(driver::Driver& db, const SqlConfig& config,
                                 const AuthSettings& settings,
                                 const std::vector<LoginRequest>& requests, std::time_t now);

} // namespace loginref

#include <cstddef>
#include <functional>
#include <string>

namespace loginref {

// Hands each user name of a source to its argument (see audit.hpp:
// iterate_users, read_users).
using UserSink = std::function<void(std::string user)>;
using UserProducer = std::function<void(const UserSink& sink)>;

// Runs a chunk of logins on job `job` (0 <= job < jobs); returns their
// Reports (any number: diff returns two per login).
using ChunkProcessor =
    std::function<std::vector<Report>(unsigned job, const std::vector<LoginRequest>& chunk)>;
// Takes a processed chunk, in the users' order, one chunk at a time (on
// the job's thread when jobs > 1: what it touches needs no lock).
using ChunkConsumer =
    std::function<void(const std::vector<LoginRequest>& chunk, std::vector<Report>& reports)>;

// Cuts the users `produce` yields into chunks of `chunk_size` logins (each
// `request_template` with its user replaced), runs `process` for each
// chunk on one of `jobs` threads, and calls `consume` in the users' order,
// never for two chunks at once. At most two chunks per job are in flight, so
// memory does not grow with the number of users. With jobs == 1 no thread
// is started. What `produce`, `process` or `consume` throws ends the run
// and is rethrown here.
void run_in_chunks(const UserProducer& produce, const LoginRequest& request_template, unsigned jobs,
                   std::size_t chunk_size, const ChunkProcessor& process,
                   const ChunkConsumer& consume);

} // namespace loginref

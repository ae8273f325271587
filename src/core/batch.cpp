// lookup_batch does not fork lookup_login's logic: it takes each login's
// query text from password_query_text() (the steps before the query), has
// Driver::query_batch run them all, then runs lookup_login itself against
// a driver that replays each user's answer. The lookup is pure apart from
// the query, so this gives the Report a direct lookup_login would give; if
// a text ever differed, the replaying driver asks the database instead.
#include "core/batch.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace loginref {

namespace {

// Answers one login's query with the outcome query_batch gave for it.
class ReplayDriver final : public driver::Driver {
public:
  explicit ReplayDriver(driver::Driver& db) : m_db(db) {}

  void set_answer(const std::string* sql, const driver::QueryOutcome* outcome) {
    m_sql = sql;
    m_outcome = outcome;
  }

  driver::QueryResult query(const std::string& sql) override {
    if (m_sql == nullptr || m_outcome == nullptr || *m_sql != sql) {
      // Not the recorded text (cannot happen: the lookup is deterministic);
      // asking the database keeps the Report right anyway.
      return m_db.query(sql);
    }
    if (!m_outcome->result) {
      throw DriverError(m_outcome->error, m_outcome->sqlstate);
    }
    return *m_outcome->result;
  }
  std::string escape(std::string_view value) const override { return m_db.escape(value); }
  driver::DriverKind kind() const override { return m_db.kind(); }
  std::string connection_info() const override { return m_db.connection_info(); }

private:
  driver::Driver& m_db;
  const std::string* m_sql = nullptr;
  const driver::QueryOutcome* m_outcome = nullptr;
};

} // namespace

std::vector<Report> lookup_batch(driver::Driver& db, const SqlConfig& config,
                                 const AuthSettings& settings,
                                 const std::vector<LoginRequest>& requests, std::time_t now) {
  std::vector<Report> reports;
  reports.reserve(requests.size());
  if (db.kind() == driver::DriverKind::sqlite) {
    // No round trip to save, and the lookups themselves cost more than the
    // queries (bench/README.md): one pass, straight through lookup_login.
    for (const LoginRequest& request : requests) {
      reports.push_back(lookup_login(db, config, settings, request, now));
    }
    return reports;
  }

  // Pass 1: the query text of each login.
  std::vector<std::optional<std::string>> queries;
  queries.reserve(requests.size());
  std::vector<std::string> to_send;
  for (const LoginRequest& request : requests) {
    queries.push_back(password_query_text(db, config, settings, request));
    if (queries.back()) {
      to_send.push_back(*queries.back());
    }
  }

  const std::vector<driver::QueryOutcome> outcomes = db.query_batch(to_send);

  // Pass 2: each login again, its query answered from the batch.
  ReplayDriver replay(db);
  std::size_t next = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (queries[i]) {
      replay.set_answer(&*queries[i], &outcomes.at(next));
      ++next;
    } else {
      replay.set_answer(nullptr, nullptr);
    }
    reports.push_back(lookup_login(replay, config, settings, requests[i], now));
  }
  return reports;
}

namespace {

// The chunks between the producing thread and the jobs, and back.
class ChunkQueue {
public:
  ChunkQueue(unsigned jobs, const ChunkProcessor& process, const ChunkConsumer& consume)
      : m_limit(2 * static_cast<std::size_t>(jobs)), m_process(process), m_consume(consume) {
    for (unsigned job = 0; job < jobs; ++job) {
      m_threads.emplace_back([this, job] { work(job); });
    }
  }

  ChunkQueue(const ChunkQueue&) = delete;
  ChunkQueue& operator=(const ChunkQueue&) = delete;

  ~ChunkQueue() { stop(); }

  // Queues `chunk`, first handing finished chunks to the consumer while
  // too many are in flight.
  void submit(std::vector<LoginRequest> chunk) {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
      consume_ready(lock);
      if (m_in_flight < m_limit) {
        break;
      }
      m_changed.wait(lock);
    }
    m_pending.emplace_back(m_next_submitted++, std::move(chunk));
    ++m_in_flight;
    m_changed.notify_all();
  }

  // Waits for every chunk and consumes it; rethrows a job's exception.
  void finish() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
      consume_ready(lock);
      if (m_in_flight == 0) {
        break;
      }
      m_changed.wait(lock);
    }
    lock.unlock();
    stop();
  }

private:
  using Numbered = std::pair<std::size_t, std::vector<LoginRequest>>;
  using Done = std::pair<std::vector<LoginRequest>, std::vector<Report>>;

  void work(unsigned job) {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
      m_changed.wait(lock, [this] { return m_stopping || !m_pending.empty(); });
      if (m_pending.empty()) {
        return; // stopping
      }
      Numbered chunk = std::move(m_pending.front());
      m_pending.pop_front();
      lock.unlock();
      Done done;
      done.first = std::move(chunk.second);
      // A job's exception (bad_alloc, or what process throws) must not end
      // the process from a thread: it goes back to the caller's thread.
      try {
        done.second = m_process(job, done.first);
      } catch (...) {
        lock.lock();
        if (!m_failure) {
          m_failure = std::current_exception();
        }
        m_done.emplace(chunk.first, std::move(done));
        m_changed.notify_all();
        continue;
      }
      lock.lock();
      m_done.emplace(chunk.first, std::move(done));
      m_changed.notify_all();
    }
  }

  // Consumes the finished chunks that are next in order (unlocked while
  // the consumer runs).
  void consume_ready(std::unique_lock<std::mutex>& lock) {
    for (;;) {
      if (m_failure) {
        std::exception_ptr failure = m_failure;
        lock.unlock();
        stop();
        std::rethrow_exception(failure);
      }
      std::map<std::size_t, Done>::iterator next = m_done.find(m_next_consumed);
      if (next == m_done.end()) {
        return;
      }
      Done done = std::move(next->second);
      m_done.erase(next);
      ++m_next_consumed;
      lock.unlock();
      m_consume(done.first, done.second);
      lock.lock();
      --m_in_flight;
    }
  }

  void stop() {
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_stopping = true;
      m_pending.clear();
    }
    m_changed.notify_all();
    for (std::thread& thread : m_threads) {
      if (thread.joinable()) {
        thread.join();
      }
    }
  }

  const std::size_t m_limit;
  const ChunkProcessor& m_process;
  const ChunkConsumer& m_consume;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Numbered> m_pending;
  std::map<std::size_t, Done> m_done;
  std::size_t m_next_submitted = 0;
  std::size_t m_next_consumed = 0;
  std::size_t m_in_flight = 0;
  bool m_stopping = false;
  std::exception_ptr m_failure;
  std::vector<std::thread> m_threads;
};

} // namespace

void run_in_chunks(const UserProducer& produce, const LoginRequest& request_template,
                   unsigned jobs, std::size_t chunk_size, const ChunkProcessor& process,
                   const ChunkConsumer& consume) {
  std::vector<LoginRequest> chunk;
  chunk.reserve(chunk_size);
  if (jobs <= 1) {
    const auto run_chunk = [&] {
      std::vector<Report> reports = process(0, chunk);
      consume(chunk, reports);
      chunk.clear();
    };
    produce([&](std::string user) {
      chunk.push_back(request_template);
      chunk.back().user = std::move(user);
      if (chunk.size() >= chunk_size) {
        run_chunk();
      }
    });
    if (!chunk.empty()) {
      run_chunk();
    }
    return;
  }
  ChunkQueue queue(jobs, process, consume);
  produce([&](std::string user) {
    chunk.push_back(request_template);
    chunk.back().user = std::move(user);
    if (chunk.size() >= chunk_size) {
      queue.submit(std::move(chunk));
      chunk = {};
      chunk.reserve(chunk_size);
    }
  });
  if (!chunk.empty()) {
    queue.submit(std::move(chunk));
  }
  queue.finish();
}

} // namespace loginref

// lookup_batch does not fork lookup_login's logic: it runs the same two
// halves (begin_login, finish_login) with Driver::query_batch between
// them, so each login gets the Report lookup_login would give.
#include "core/batch.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "core/error.hpp"

namespace loginref {

std::vector<Report> lookup_batch(driver::Driver& db, const SqlConfig& config,
                                 const AuthSettings& settings,
                                 const std::vector<LoginRequest>& requests, std::time_t now) {
  // The Reports are filled in place: each is large, and moving them cost
  // more than deciding (measured).
  std::vector<Report> reports(requests.size());
  std::vector<PendingLogin> pending;
  pending.reserve(requests.size());
  std::vector<std::string> to_send;
  to_send.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    pending.push_back(begin_login(reports[i], db, config, settings, requests[i], now));
    if (pending.back().query) {
      to_send.push_back(std::move(*pending.back().query)); // the Report keeps the text
    }
  }
  // pgsql and mysql send many texts per round trip; sqlite reads them all
  // in one read transaction (Driver::query_batch).
  const std::vector<driver::QueryOutcome> outcomes = db.query_batch(to_send);
  const std::string connection = db.connection_info();

  std::size_t next = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const driver::QueryOutcome* answer = nullptr;
    if (pending[i].query) {
      answer = &outcomes.at(next);
      ++next;
    }
    finish_login(reports[i], pending[i], answer, connection, config, settings, now);
  }
  return reports;
}

namespace {

std::vector<LoginRequest> requests_for(const LoginRequest& request_template,
                                       std::vector<std::string> users) {
  std::vector<LoginRequest> requests;
  requests.reserve(users.size());
  for (std::string& user : users) {
    requests.push_back(request_template);
    requests.back().user = std::move(user);
  }
  return requests;
}

// The chunks between the producing thread and the jobs. Each job builds
// its chunk's requests, runs them, waits for its turn (the users' order),
// consumes them and frees them itself: glibc malloc serialises threads
// that free each other's blocks, and with Reports built on one thread and
// freed on another, two jobs ran no faster than one (measured).
class ChunkQueue {
public:
  ChunkQueue(unsigned jobs, const LoginRequest& request_template, const ChunkProcessor& process,
             const ChunkConsumer& consume)
      : m_limit(2 * static_cast<std::size_t>(jobs)), m_template(request_template),
        m_process(process), m_consume(consume) {
    for (unsigned job = 0; job < jobs; ++job) {
      m_threads.emplace_back([this, job] { work(job); });
    }
  }

  ChunkQueue(const ChunkQueue&) = delete;
  ChunkQueue& operator=(const ChunkQueue&) = delete;

  ~ChunkQueue() { stop(); }

  // Queues a chunk of user names once fewer than two chunks per job are
  // in flight; rethrows a job's exception.
  void submit(std::vector<std::string> users) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [this] { return m_failure || m_in_flight < m_limit; });
    rethrow_failure(lock);
    m_pending.emplace_back(m_next_submitted++, std::move(users));
    ++m_in_flight;
    m_changed.notify_all();
  }

  // Waits until every chunk is consumed; rethrows a job's exception.
  void finish() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [this] { return m_failure || m_in_flight == 0; });
    rethrow_failure(lock);
    lock.unlock();
    stop();
  }

private:
  using Numbered = std::pair<std::size_t, std::vector<std::string>>;

  void work(unsigned job) {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
      m_changed.wait(lock, [this] { return m_stopping || !m_pending.empty(); });
      if (m_stopping) {
        return;
      }
      Numbered chunk = std::move(m_pending.front());
      m_pending.pop_front();
      lock.unlock();
      run_chunk(job, chunk, lock);
      // Back under the lock: the chunk is consumed (or skipped after a failure).
      ++m_next_consumed;
      --m_in_flight;
      m_changed.notify_all();
      if (m_stopping) {
        return;
      }
    }
  }

  // Runs one chunk and, in its turn, consumes it; returns with `lock` held.
  // A job's exception (bad_alloc, or what process or consume throws) must
  // not end the process from a thread: it goes back to the caller's thread.
  void run_chunk(unsigned job, Numbered& chunk, std::unique_lock<std::mutex>& lock) {
    std::vector<LoginRequest> requests;
    std::vector<Report> reports;
    std::exception_ptr failure;
    try {
      requests = requests_for(m_template, std::move(chunk.second));
      reports = m_process(job, requests);
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    m_changed.wait(lock, [&] { return m_stopping || m_next_consumed == chunk.first; });
    if (!failure && !m_failure && !m_stopping) {
      lock.unlock();
      try {
        m_consume(requests, reports);
      } catch (...) {
        failure = std::current_exception();
      }
      reports = {}; // freed on this thread, outside the lock
      requests = {};
      lock.lock();
    }
    if (failure && !m_failure) {
      m_failure = failure;
    }
  }

  void rethrow_failure(std::unique_lock<std::mutex>& lock) {
    if (!m_failure) {
      return;
    }
    std::exception_ptr failure = m_failure;
    lock.unlock();
    stop();
    std::rethrow_exception(failure);
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
  const LoginRequest& m_template;
  const ChunkProcessor& m_process;
  const ChunkConsumer& m_consume;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Numbered> m_pending;
  std::size_t m_next_submitted = 0;
  std::size_t m_next_consumed = 0;
  std::size_t m_in_flight = 0;
  bool m_stopping = false;
  std::exception_ptr m_failure;
  std::vector<std::thread> m_threads;
};

} // namespace

void run_in_chunks(const UserProducer& produce, const LoginRequest& request_template, unsigned jobs,
                   std::size_t chunk_size, const ChunkProcessor& process,
                   const ChunkConsumer& consume) {
  std::vector<std::string> users;
  users.reserve(chunk_size);
  if (jobs <= 1) {
    const auto run_chunk = [&] {
      const std::vector<LoginRequest> requests = requests_for(request_template, std::move(users));
      std::vector<Report> reports = process(0, requests);
      consume(requests, reports);
      users.clear();
    };
    produce([&](std::string user) {
      users.push_back(std::move(user));
      if (users.size() >= chunk_size) {
        run_chunk();
      }
    });
    if (!users.empty()) {
      run_chunk();
    }
    return;
  }
  ChunkQueue queue(jobs, request_template, process, consume);
  produce([&](std::string user) {
    users.push_back(std::move(user));
    if (users.size() >= chunk_size) {
      queue.submit(std::move(users));
      users = {};
      users.reserve(chunk_size);
    }
  });
  if (!users.empty()) {
    queue.submit(std::move(users));
  }
  queue.finish();
}

} // namespace loginref

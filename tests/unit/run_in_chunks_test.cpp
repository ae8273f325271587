// run_in_chunks (core/batch.hpp): the users' order, one consumer at a
// time, bounded chunks in flight, and every exception back on the
// caller's thread, with and without job threads.
#include "core/batch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace loginref {
namespace {

UserProducer users(int count) {
  return [count](const UserSink& sink) {
    for (int i = 0; i < count; ++i) {
      sink("user" + std::to_string(i));
    }
  };
}

// One Report per login, carrying its user, built on the job's thread.
std::vector<Report> echo(unsigned, const std::vector<LoginRequest>& chunk) {
  std::vector<Report> reports(chunk.size());
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    reports[i].user = chunk[i].user;
  }
  return reports;
}

class RunInChunks : public testing::TestWithParam<unsigned> {};

TEST_P(RunInChunks, ConsumesEveryUserOnceInOrderOneChunkAtATime) {
  LoginRequest request;
  request.tag = "a1";
  std::vector<std::string> seen;
  std::atomic<int> consuming{0};
  bool overlapped = false;
  const ChunkProcessor process = [](unsigned job, const std::vector<LoginRequest>& chunk) {
    // Uneven work, so later chunks often finish first.
    if (chunk.front().user.size() % 3 == 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return echo(job, chunk);
  };
  const ChunkConsumer consume = [&](const std::vector<LoginRequest>& chunk,
                                    std::vector<Report>& reports) {
    overlapped = overlapped || consuming.fetch_add(1) != 0;
    ASSERT_EQ(chunk.size(), reports.size());
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      EXPECT_EQ(chunk[i].tag, "a1"); // the template, with the user replaced
      EXPECT_EQ(reports[i].user, chunk[i].user);
      seen.push_back(chunk[i].user);
    }
    consuming.fetch_sub(1);
  };
  run_in_chunks(users(1000), request, GetParam(), 7, process, consume);
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(seen[static_cast<std::size_t>(i)], "user" + std::to_string(i));
  }
  EXPECT_FALSE(overlapped);
}

TEST_P(RunInChunks, AProcessorExceptionEndsTheRunOnTheCallersThread) {
  const ChunkProcessor process = [](unsigned job, const std::vector<LoginRequest>& chunk) {
    if (chunk.front().user == "user50") {
      throw std::runtime_error("process failed");
    }
    return echo(job, chunk);
  };
  const ChunkConsumer consume = [](const std::vector<LoginRequest>&, std::vector<Report>&) {};
  EXPECT_THROW(run_in_chunks(users(1000), LoginRequest(), GetParam(), 10, process, consume),
               std::runtime_error);
}

TEST_P(RunInChunks, AConsumerExceptionEndsTheRun) {
  int consumed = 0;
  const ChunkConsumer consume = [&](const std::vector<LoginRequest>&, std::vector<Report>&) {
    if (++consumed == 3) {
      throw std::runtime_error("consume failed");
    }
  };
  EXPECT_THROW(run_in_chunks(users(1000), LoginRequest(), GetParam(), 10, echo, consume),
               std::runtime_error);
  EXPECT_EQ(consumed, 3);
}

TEST_P(RunInChunks, AProducerExceptionStopsTheJobs) {
  const UserProducer failing = [](const UserSink& sink) {
    for (int i = 0; i < 100; ++i) {
      sink("user" + std::to_string(i));
    }
    throw std::runtime_error("produce failed");
  };
  const ChunkConsumer consume = [](const std::vector<LoginRequest>&, std::vector<Report>&) {};
  EXPECT_THROW(run_in_chunks(failing, LoginRequest(), GetParam(), 10, echo, consume),
               std::runtime_error);
}

TEST_P(RunInChunks, NoUsersNoChunks) {
  int calls = 0;
  const ChunkConsumer consume = [&](const std::vector<LoginRequest>&, std::vector<Report>&) {
    ++calls;
  };
  run_in_chunks(users(0), LoginRequest(), GetParam(), 10, echo, consume);
  EXPECT_EQ(calls, 0);
}

INSTANTIATE_TEST_SUITE_P(Jobs, RunInChunks, testing::Values(1u, 2u, 4u),
                         [](const testing::TestParamInfo<unsigned>& info) {
                           return "jobs" + std::to_string(info.param);
                         });

} // namespace
} // namespace loginref

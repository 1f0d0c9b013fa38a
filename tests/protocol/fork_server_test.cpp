// The fork server's wire protocol: every message survives encoding and a real socket
// (with its descriptors), and malformed datagrams are refused.
#include "protocol/fork_server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace fk = racelab::protocol::fork;

namespace {

fk::Message Make(fk::Type t, std::int64_t a = 0, std::int64_t b = 0,
                 std::vector<std::string> settings = {}) {
  fk::Message m;
  m.type = t;
  m.a = a;
  m.b = b;
  m.settings = std::move(settings);
  return m;
}

TEST(ForkServerProtocol, EveryMessageRoundTripsThroughItsEncoding) {
  const std::vector<fk::Message> all = {
      Make(fk::Type::kHello, fk::kVersion),
      Make(fk::Type::kRun, 0, 0,
           {"RACELAB_SEED=18446744073709551615", "RACELAB_FUZZ=pct:3:120", "RACELAB_SCHEDULE=1.2-3",
            "RACELAB_SCHEDULE_MODE=guide", "RACELAB_ITERATIONS=5", "RACELAB_EMPTY="}),
      Make(fk::Type::kRun),
      Make(fk::Type::kStarted, 4194303),
      Make(fk::Type::kFailed, 11),
      Make(fk::Type::kExited, 0, 66),
      Make(fk::Type::kExited, 1, 9),
      Make(fk::Type::kReap),
      Make(fk::Type::kReaped, -1, INT64_MIN),
  };
  for (const fk::Message& m : all) {
    const auto back = fk::Decode(fk::Encode(m));
    ASSERT_TRUE(back.has_value()) << static_cast<char>(m.type);
    EXPECT_EQ(*back, m) << static_cast<char>(m.type);
  }
}

TEST(ForkServerProtocol, MalformedDatagramsAreRefused) {
  const std::string run = fk::Encode(Make(fk::Type::kRun, 0, 0, {"RACELAB_SEED=1"}));
  EXPECT_FALSE(fk::Decode(""));
  EXPECT_FALSE(fk::Decode("Z"));                            // unknown type
  EXPECT_FALSE(fk::Decode(run.substr(0, run.size() - 1)));  // truncated
  EXPECT_FALSE(fk::Decode(run + "x"));                      // trailing bytes
  EXPECT_FALSE(fk::Decode(fk::Encode(Make(fk::Type::kStarted)).substr(0, 9)));
  EXPECT_FALSE(fk::Decode(fk::Encode(Make(fk::Type::kRun, 0, 0, {"NOEQUALS"}))));
  EXPECT_FALSE(fk::Decode(fk::Encode(Make(fk::Type::kRun, 0, 0, {"=value"}))));
  EXPECT_FALSE(fk::Decode(fk::Encode(Make(fk::Type::kReap)) + std::string(16, '\0')));
}

TEST(ForkServerProtocol, DescriptorsTravelWithTheRunRequest) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  const fk::Message sent = Make(fk::Type::kRun, 0, 0, {"RACELAB_SEED=7"});
  const int fds[2] = {p[1], p[1]};
  ASSERT_EQ(fk::Send(sv[0], sent, fds, 2), 0);
  fk::Message got;
  std::vector<int> received;
  ASSERT_EQ(fk::Receive(sv[1], &got, &received), 1);
  EXPECT_EQ(got, sent);
  ASSERT_EQ(received.size(), 2u);
  // The received descriptor is the pipe's write end: what it writes arrives at p[0].
  ASSERT_EQ(::write(received[0], "ok", 2), 2);
  char buf[2];
  ASSERT_EQ(::read(p[0], buf, 2), 2);
  EXPECT_EQ(std::memcmp(buf, "ok", 2), 0);
  for (int fd : received) ::close(fd);
  ::close(sv[0]);
  EXPECT_EQ(fk::Receive(sv[1], &got, &received), 0);  // end of file
  ::close(sv[1]);
  ::close(p[0]);
  ::close(p[1]);
}

}  // namespace

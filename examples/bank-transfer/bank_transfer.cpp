// bank-transfer: two tellers move money between two accounts; the bank's total must not
// change. MEANT TO FAIL: transfer() takes the ledger lock only for the ledger, not for the
// balances, so a teller preempted between reading a balance and writing it back loses the
// other teller's update (a lost update: one preemption is enough).
// Prints "total 200 after N transfers" and exits 0, or "BUG: total T, expected 200" and
// exits 1 (racelab's exit-status oracle).
#include <array>
#include <cstdint>

#include "racelab/rl.hpp"

namespace {

constexpr std::int64_t kOpening = 100;  // each account's opening balance
constexpr std::int64_t kAmount = 10;    // each transfer

struct Account {
  rl::Shared<std::int64_t> balance{kOpening};
};

std::array<Account, 2> accounts;
rl::Mutex ledger_lock;
rl::Shared<std::int64_t> ledger{0};  // transfers booked

void transfer(Account& from, Account& to, std::int64_t amount) {
  if (from.balance.get() < amount) return;  // insufficient funds: refused
  // The bug: each balance is read, then written back, with no lock held.
  from.balance.set(from.balance.get() - amount);
  to.balance.set(to.balance.get() + amount);
  rl::LockGuard guard(ledger_lock);
  ledger.set(ledger.get() + 1);
}

}  // namespace

int main() {
  const rl::Settings settings = rl::start(rl::manifest_defaults());
  // One teller pays from account 0 to 1, the other from 1 to 0: both touch both balances.
  rl::Thread first([&] {
    for (std::int64_t i = 0; i < settings.iterations; ++i)
      transfer(accounts[0], accounts[1], kAmount);
  });
  rl::Thread second([&] {
    for (std::int64_t i = 0; i < settings.iterations; ++i)
      transfer(accounts[1], accounts[0], kAmount);
  });
  first.start();
  second.start();
  first.join();
  second.join();

  const std::int64_t total = accounts[0].balance.get() + accounts[1].balance.get();
  if (total != 2 * kOpening) {
    rl::print(rl::Text() << "BUG: total " << total << ", expected " << 2 * kOpening);
    return 1;
  }
  rl::print(rl::Text() << "total " << total << " after " << ledger.get() << " transfers");
  return 0;
}

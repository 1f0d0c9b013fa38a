// MEANT TO FAIL when run under a small address-space limit (regenerate.sh runs it with
// `ulimit -v`): the TSan runtime cannot map its memory and aborts before main.
// Expected class: sanitizer-fatal (e.g. "ThreadSanitizer: CHECK failed").
// CHECK: ThreadSanitizer
// ULIMIT: -v 2000000
int main() {
  return 0;
}

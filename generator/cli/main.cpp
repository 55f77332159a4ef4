// zasgen command line: see ../shared CLI contract and README.md.
#include <cstdio>

int main() {
  std::puts("zasgen: under construction");
  return 0;
}

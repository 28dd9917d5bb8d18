// C++ without exceptions, for the backends that do not build them (Cranelift, GCC): strings
// built from literals, iterators and numbers, a vector of them sorted, a map counting words.
// At -O1 -Xclang -disable-llvm-passes clang++ keeps libstdc++'s inline-only `std::string`
// members (`available_externally`, `alwaysinline`, exported by no library) in the IR.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

static std::string word(unsigned n) {
    static const char *syllables[] = {"ka", "lo", "mi", "ne", "su", "ta"};
    std::string w;
    do {
        w += syllables[n % 6];
        n /= 6;
    } while (n);
    return w;
}

int main(int argc, char **argv) {
    std::string text(argc > 5 ? argv[1] : "the quick brown fox jumps over the lazy dog");
    std::string first(text.begin(), text.begin() + 9);
    std::vector<std::string> words;
    for (unsigned i = 0; i < 200; i++) words.push_back(word(i * 37 % 101));
    std::sort(words.begin(), words.end());
    std::map<std::string, int> counts;
    for (const std::string &w : words) counts[w]++;
    size_t total = 0;
    for (const auto &[w, c] : counts) total += w.size() * c;
    printf("%s|%zu|%zu|%s|%s|%zu\n", first.c_str(), text.size(), counts.size(),
           words.front().c_str(), words.back().c_str(), total);
    std::string joined;
    for (size_t i = 0; i < words.size(); i += 40) joined += words[i] + "-" + std::to_string(i);
    printf("%s\n", joined.c_str());
    return 0;
}

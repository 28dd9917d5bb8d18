// C++ without exceptions, for the backends that do not build them (Cranelift, GCC): strings
// built from literals, iterators and numbers, a vector of them sorted, a map counting words;
// global objects built before `main` (static initialisers, in `@llvm.global_ctors`, and
// `<iostream>`'s own), virtual calls through `unique_ptr`s, streams, a recursive
// `std::function`. At -O1 -Xclang -disable-llvm-passes clang++ keeps libstdc++'s inline-only
// `std::string` members (`available_externally`, `alwaysinline`, exported by no library) in
// the IR.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const = 0;
};
struct Circle : Shape {
    double r;
    explicit Circle(double r) : r(r) {}
    double area() const override { return 3.14159 * r * r; }
    std::string name() const override { return "circle"; }
};
struct Rect : Shape {
    double w, h;
    Rect(double w, double h) : w(w), h(h) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};

static std::map<std::string, int> registry = {{"alpha", 1}, {"beta", 2}};
static struct Init {
    Init() { registry["gamma"] = 3; }
} init_once;

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
    std::vector<std::unique_ptr<Shape>> shapes;
    for (int i = 1; i <= 6; i++) {
        if (i % 2)
            shapes.push_back(std::make_unique<Circle>(i));
        else
            shapes.push_back(std::make_unique<Rect>(i, i + 1));
    }
    std::sort(shapes.begin(), shapes.end(),
              [](const auto &a, const auto &b) { return a->area() > b->area(); });
    std::ostringstream out;
    for (const auto &shape : shapes) out << shape->name() << ":" << shape->area() << " ";
    std::cout << out.str() << "\n";
    for (const auto &[key, value] : registry) std::cout << key << "->" << value << " ";
    std::function<int(int)> fib = [&](int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); };
    std::cout << "fib " << fib(20) << std::endl;
    return 0;
}

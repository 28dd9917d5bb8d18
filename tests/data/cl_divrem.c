/* Division and remainder of the same operands, which the Cranelift backend computes with
   one division (the remainder as a - q * b): signed and unsigned, 8 to 64 bits, the
   remainder before and after the quotient, negative operands and the ends of each range. */
#include <stdint.h>
#include <stdio.h>

static volatile int64_t sv[] = {0, 1, -1, 7, -7, 100, -100, 127, -128, 32767, -32768, 2147483647, -2147483647 - 1,
                                INT64_MAX, INT64_MIN + 1, 1000000007, -999999937};
static volatile int64_t dv[] = {1, -1, 2, -2, 3, -3, 7, -7, 10, 127, -128, 1000, 65535, -65536, 2147483647};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
    uint64_t mix = 0;
    for (size_t i = 0; i < N(sv); i++) {
        for (size_t j = 0; j < N(dv); j++) {
            int64_t a = sv[i], b = dv[j];
            int64_t q64 = a / b, r64 = a % b;
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            uint64_t ur64 = ua % ub, uq64 = ua / ub; /* remainder first */
            int32_t a32 = (int32_t)a, b32 = (int32_t)b;
            int32_t q32 = 0, r32 = 0;
            if (!(a32 == INT32_MIN && b32 == -1)) {
                r32 = a32 % b32;
                q32 = a32 / b32;
            }
            uint32_t ua32 = (uint32_t)a, ub32 = (uint32_t)b;
            uint32_t uq32 = ua32 / ub32, ur32 = ua32 % ub32;
            int16_t a16 = (int16_t)a, b16 = (int16_t)b;
            int q16 = b16 ? a16 / b16 : 0, r16 = b16 ? a16 % b16 : 0;
            uint8_t a8 = (uint8_t)a, b8 = (uint8_t)b;
            unsigned ur8 = b8 ? a8 % b8 : 0, uq8 = b8 ? a8 / b8 : 0;
            printf("%lld %lld: %lld %lld | %llu %llu | %d %d | %u %u | %d %d | %u %u\n", (long long)a, (long long)b,
                   (long long)q64, (long long)r64, (unsigned long long)uq64, (unsigned long long)ur64, q32, r32, uq32,
                   ur32, q16, r16, uq8, ur8);
            mix = mix * 31 + (uint64_t)q64 + (uint64_t)r64 * 7 + ur64;
        }
    }
    /* Digits of a number, the way printing code takes them apart. */
    uint64_t x = 18446744073709551557ull;
    char digits[32];
    int n = 0;
    do {
        digits[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    while (n)
        putchar(digits[--n]);
    printf("\nmix %016llx\n", (unsigned long long)mix);
    return 0;
}

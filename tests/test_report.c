// SPDX-License-Identifier: BSD-3-Clause
/* The report's text helpers: HTML escaping and base64 (the page itself is tested end to end
 * by report_pages.py, in a browser too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

static char *escaped(const char *s) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  rfl_html_escape(f, s);
  fclose(f);
  return buf;
}

static void test_html_escape(void **state) {
  (void)state;
  char *e = escaped("a<b & \"c\" > 'd' \u00b0C");
  assert_string_equal(e, "a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39; \u00b0C");
  free(e);
  e = escaped("<script>alert(1)</script>");
  assert_string_equal(e, "&lt;script&gt;alert(1)&lt;/script&gt;");
  free(e);
  e = escaped("");
  assert_string_equal(e, "");
  free(e);
}

/* RFC 4648 section 10 test vectors, and bytes above 127. */
static void test_base64(void **state) {
  (void)state;
  static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *const out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  char buf[16];
  for (size_t i = 0; i < sizeof in / sizeof in[0]; ++i) {
    size_t n = rfl_base64_encode((const unsigned char *)in[i], strlen(in[i]), buf);
    assert_string_equal(buf, out[i]);
    assert_int_equal(n, strlen(out[i]));
  }
  const unsigned char png[4] = {0x89, 'P', 0xff, 0x00};
  assert_int_equal(rfl_base64_encode(png, 4, buf), 8);
  assert_string_equal(buf, "iVD/AA==");
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_html_escape), cmocka_unit_test(test_base64)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}

// The time left until a deadline, counted down in the page's language: every
// <span class="countdown" data-deadline="ISO 8601"> is shown and updated each 30 seconds.
// The page says the deadline itself in words; this only adds how long is left, so a cached page
// stays right. A file of its own: the Content-Security-Policy forbids inline scripts.
"use strict";

const UNITS = [
  ["day", 86400000],
  ["hour", 3600000],
  ["minute", 60000],
];

function left(milliseconds, language) {
  const parts = [];
  let rest = milliseconds;
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (unit === "minute" && parts.length === 0)) {
      parts.push(new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay: "long" })
        .format(count));
    }
    if (parts.length === 2) break; // "3 days, 4 hours" is precise enough
  }
  return new Intl.ListFormat(language, { style: "narrow", type: "unit" }).format(parts);
}

function update(element, language) {
  const remaining = Date.parse(element.dataset.deadline) - Date.now();
  if (Number.isNaN(remaining)) return;
  if (remaining <= 0) {
    element.textContent = element.dataset.closed;
  } else {
    element.querySelector("strong").textContent = left(remaining, language);
  }
  element.hidden = false;
}

const language = document.documentElement.lang || "en";
const countdowns = document.querySelectorAll(".countdown[data-deadline]");
for (const element of countdowns) update(element, language);
if (countdowns.length) {
  setInterval(() => countdowns.forEach((element) => update(element, language)), 30000);
}

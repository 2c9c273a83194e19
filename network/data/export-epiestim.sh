#!/bin/sh
# export-epiestim.sh writes the incidence curves that Debian's r-cran-epiestim
# ships (Flu1918, Measles1861, SARS2003) as CSV files "day,incidence" into the
# directory given as the first argument (default: this script's directory).
#
#   apt-get install -y --no-install-recommends r-cran-epiestim
#   sh network/data/export-epiestim.sh
#
# It also prints the mean of each data set's serial-interval distribution
# (si_distr, in days), which network/data/README.md quotes.
set -eu
out=${1:-$(dirname "$0")}
if ! command -v Rscript >/dev/null 2>&1; then
	echo "export-epiestim.sh: Rscript not found; install r-cran-epiestim" >&2
	exit 1
fi
Rscript --vanilla - "$out" <<'RSCRIPT'
out <- commandArgs(trailingOnly = TRUE)[1]
if (!requireNamespace("EpiEstim", quietly = TRUE)) {
  stop("the R package EpiEstim is missing; install r-cran-epiestim")
}
for (name in c("Flu1918", "Measles1861", "SARS2003")) {
  e <- new.env()
  data(list = name, package = "EpiEstim", envir = e)
  d <- get(name, envir = e)
  if (any(d$incidence != round(d$incidence))) stop(name, ": incidence is not whole counts")
  inc <- as.integer(d$incidence)
  f <- file.path(out, paste0(tolower(name), ".csv"))
  write.csv(data.frame(day = seq_along(inc), incidence = inc), f, row.names = FALSE, quote = FALSE)
  si <- d$si_distr
  cat(sprintf("%s: %d days, %d cases, serial interval mean %.2f days -> %s\n",
              name, length(inc), sum(inc), sum((seq_along(si) - 1) * si) / sum(si), f))
}
RSCRIPT

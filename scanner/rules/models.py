"""TAB007: statistical models fitted on too few observations.

:mod:`scanner.loaders.model_output` reads, out of a log's output, a text note or a document's text, the
sizes a model's output prints (observations, residual degrees of freedom); this family judges them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.loaders.model_output import DESCRIPTIVE, GROUP_COUNT, ModelSize
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule

__all__ = ["ModelFacts", "ModelOptions"]


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """The model sizes printed in one part of a file (a chunk of text, a part of a log)."""

    sizes: tuple[ModelSize, ...]


@dataclass(frozen=True, slots=True)
class ModelOptions:
    """TAB007 options (see rules.toml)."""

    #: residual degrees of freedom under which a model goes to a person (ACRO's 10); under the profile's
    #: threshold it is blocked
    min_residual_df: int = 10

    def __post_init__(self) -> None:
        if self.min_residual_df < 1:
            raise ValueError("min_residual_df must be at least 1")


@rule("TAB007", "model-few-degrees-of-freedom", Severity.BLOCK, (Shape.MODEL,), ModelOptions)
def model_few_degrees_of_freedom(ctx: RuleContext, facts: ModelFacts) -> Iterator[Finding]:
    """A statistical model fitted on too few observations, or with too few residual degrees of freedom.

    What it flags: model output that prints its size, in a log, a text note, a markdown or LaTeX file or a
    document: Stata's `Number of obs = 6` and the `Residual` row of `regress`, R's `Residual standard
    error: ... on 3 degrees of freedom` (`summary(lm)`, `summary(glm)`'s residual deviance), statsmodels'
    `No. Observations:` and `Df Residuals:`, SAS's `Number of Observations Used` and the `Error` row of
    an analysis of variance table, SPSS's `Residual` row, and a regression table's observations row (`N`,
    `Observations`, `Num.Obs.` in esttab, outreg2, stargazer, modelsummary), and its rows that count a
    group the estimates rest on: treated and control units (`N (treated)`, `Behandlade företag`), the
    observations with an indicator set (`Obs. with X = 1`), a fixed-effects or multilevel model's groups
    (`Number of groups`, `Num. groups: firm`, SAS MIXED's `Subjects`), a survival model's events (`Num.
    events`), a twin or sibling design's discordant pairs, and the other sex when models of all and of one
    sex stand side by side (`all` 3,118 and `women` 3,116 observations). Blocked: a model of fewer
    observations than the profile's threshold, or with fewer residual degrees of freedom than it (0
    means the model reproduces its data), or such a group under the threshold. Review: fewer than
    `min_residual_df` residual degrees of freedom (ACRO's 10).

    Why it is disclosive: a model fitted on a handful of units publishes little more than their values;
    with as many parameters as observations its coefficients are a transformation of the data.

    Example: `regress income age i.sex if kommune==101` on 6 persons (3 residual degrees of freedom).

    Options: `min_residual_df`. The threshold comes from the profile (`threshold`).

    References: ACRO/SACRO (regressions need at least 10 residual degrees of freedom); Statistics Denmark,
    rules for sending results home (at least 3 observations behind every published figure); Hundepool et
    al., Statistical Disclosure Control (2012), ch. 9 (analytical outputs).
    """
    opts: ModelOptions = ctx.options
    threshold = ctx.profile.threshold
    for size in facts.sizes:
        n = size.observations
        if n is not None and size.what == GROUP_COUNT:
            if 0 < n < threshold:
                yield ctx.finding(
                    f"A regression table counts a group of fewer than {threshold} units (its own row, such as "
                    "'N (treated)'): the estimates for that group rest on them.",
                    masking.evidence(f"group of {masking.count_band(n, threshold)} units "
                                     f"(threshold {threshold}, profile {ctx.profile.name})"),
                    line=size.line, identity=f"group:{size.what}",
                )
            continue
        if n is not None:
            if 0 < n < threshold:
                fitted = "statistics of a group of" if size.what == DESCRIPTIVE else "a model fitted on"
                yield ctx.finding(
                    f"{size.what.capitalize()} reports {fitted} fewer than {threshold} observations.",
                    masking.evidence(f"observations {masking.count_band(n, threshold)} "
                                     f"(threshold {threshold}, profile {ctx.profile.name})"),
                    line=size.line, identity=f"obs:{size.what}",
                )
            elif threshold <= n <= opts.min_residual_df and size.what != DESCRIPTIVE and not _df_printed(facts, size):
                # its residual degrees of freedom are at most n - 1 (judged below when the output prints them)
                yield ctx.finding(
                    f"{size.what.capitalize()} reports a model fitted on {n} observations: it has fewer than "
                    f"{opts.min_residual_df} residual degrees of freedom. A person must check.",
                    masking.evidence(f"observations {n} (minimum residual degrees of freedom "
                                     f"{opts.min_residual_df}, profile {ctx.profile.name})"),
                    line=size.line, severity=Severity.REVIEW, identity=f"obs:{size.what}",
                )
            continue
        df = size.residual_df
        if df is None or df >= max(opts.min_residual_df, threshold):
            continue
        blocked = df < threshold
        yield ctx.finding(
            f"{size.what.capitalize()} reports a model with {'fewer than ' + str(threshold) if blocked else df} "
            f"residual degrees of freedom (at least {max(opts.min_residual_df, threshold)} needed): a model of "
            "so few observations publishes little more than their values." + ("" if blocked else
                                                                                " A person must check."),
            masking.evidence(f"residual degrees of freedom {masking.count_band(df, threshold) if blocked else df}"
                             f" (minimum {max(opts.min_residual_df, threshold)}, profile {ctx.profile.name})"),
            line=size.line, severity=None if blocked else Severity.REVIEW, identity=f"df:{size.what}",
        )


#: Lines between a model's number of observations and its residual degrees of freedom in one output.
_SAME_OUTPUT_LINES = 40


def _df_printed(facts: ModelFacts, size: ModelSize) -> bool:
    """Whether the output that printed ``size`` prints its residual degrees of freedom too."""
    return any(s.residual_df is not None and (s.line is None or size.line is None
                                              or abs(s.line - size.line) <= _SAME_OUTPUT_LINES)
               for s in facts.sizes)

// The upgrade plan for people: a one-screen summary (the path, the counts, the ordered steps),
// then the findings by severity, each saying where it was seen; markdown for a PR or a ticket.
import type {FindingSource, Severity, UpgradeFinding, UpgradePlan} from '../model/reports/upgrade-plan.js'
import {count, listNames, uniqueSorted} from '../model/text.js'
import type {Style} from './style.js'

export interface PlanRenderOptions {
  style: Style
  /** Where the plan was read from, e.g. "context prod-eu" or "3 files". */
  scope: string
  /** Every finding; without it each severity shows its first FINDINGS_SHOWN. */
  details?: boolean
}

export const FINDINGS_SHOWN = 25
const HEADINGS: Record<Severity, string> = {blocker: 'Blockers', warning: 'Warnings', info: 'Info'}

export function renderUpgradePlan(plan: UpgradePlan, o: PlanRenderOptions): string {
  const s = o.style
  const out: string[] = []
  out.push(s.bold(`Upgrade plan ${plan.current ?? '(current unknown)'} → ${plan.target}`) + `: ${hopsLine(plan)}, from ${o.scope}`)
  out.push(countsLine(plan, s))
  for (const w of plan.warnings) out.push(s.yellow(`warning: ${w}`))
  if (plan.steps.length) {
    out.push('', s.bold('Steps'))
    const width = String(plan.steps.length).length
    for (const step of plan.steps) {
      const before = step.before ? s.dim(` (before ${step.before})`) : ''
      out.push(`  ${String(step.order).padStart(width)}. ${step.action}${before}`)
    }
  }
  for (const severity of ['blocker', 'warning', 'info'] as const) {
    const fs = plan.findings.filter(f => f.severity === severity)
    if (!fs.length) continue
    out.push('', s.bold(`${HEADINGS[severity]} (${fs.length})`))
    const shown = o.details ? fs : fs.slice(0, FINDINGS_SHOWN)
    for (const f of shown) {
      const hop = f.hop ? `[${f.hop}] ` : ''
      out.push(`  ${paint(severity, s)(`${hop}${f.message}`)}`)
      const where = describeSources(f.sources)
      if (where) out.push(`      ${s.dim(where)}`)
      if (f.fix) out.push(`      fix: ${f.fix}`)
    }
    if (shown.length < fs.length) out.push(s.dim(`  … and ${fs.length - shown.length} more (--details, -o markdown or -o json lists every one)`))
  }
  if (plan.skipped.length) {
    out.push('', s.bold(`Not read (${plan.skipped.length})`))
    for (const k of plan.skipped.slice(0, o.details ? undefined : 10)) out.push(`  ${k.path}:${k.line}: ${k.reason}`)
    if (!o.details && plan.skipped.length > 10) out.push(s.dim(`  … and ${plan.skipped.length - 10} more`))
  }
  if (plan.gaps.length) {
    out.push('', s.bold('Gaps (the plan may miss findings from these)'))
    for (const g of plan.gaps) out.push(`  ${g}`)
  }
  return out.join('\n') + '\n'
}

export function renderUpgradePlanMarkdown(plan: UpgradePlan, scope: string): string {
  const out: string[] = []
  out.push(`## Upgrade plan ${plan.current ?? '(current unknown)'} → ${plan.target}`, '')
  out.push(`${hopsLine(plan)}, from ${scope}. ${countsText(plan)}.`, '')
  for (const w of plan.warnings) out.push(`> **Warning:** ${md(w)}`, '')
  if (plan.steps.length) {
    out.push('### Steps', '')
    for (const step of plan.steps) {
      const refs = step.findings.length ? ` (${count(step.findings.length, 'finding')})` : ''
      out.push(`${step.order}. ${step.before ? `**Before ${step.before}:** ` : ''}${md(step.action)}${refs}`)
    }
    out.push('')
  }
  for (const severity of ['blocker', 'warning', 'info'] as const) {
    const fs = plan.findings.filter(f => f.severity === severity)
    if (!fs.length) continue
    out.push(`### ${HEADINGS[severity]} (${fs.length})`, '', '| Hop | Check | Object | Where | Fix |', '| --- | --- | --- | --- | --- |')
    for (const f of fs) out.push(`| ${f.hop ?? ''} | ${f.check} | ${md(objectName(f))} | ${md(describeSources(f.sources))} | ${md(f.fix ?? '')} |`)
    out.push('')
  }
  if (plan.skipped.length) {
    out.push(`### Not read (${plan.skipped.length})`, '')
    for (const k of plan.skipped) out.push(`- \`${k.path}:${k.line}\`: ${md(k.reason)}`)
    out.push('')
  }
  if (plan.gaps.length) {
    out.push('### Gaps', '')
    for (const g of plan.gaps) out.push(`- ${md(g)}`)
    out.push('')
  }
  return out.join('\n')
}

function hopsLine(plan: UpgradePlan): string {
  if (!plan.hops.length) return 'no hop to make'
  return plan.current === null ? `removals up to ${plan.target}` : `${count(plan.hops.length, 'hop')} (${plan.hops.join(', ')})`
}

function countsText(plan: UpgradePlan): string {
  const {blocker, warning, info} = plan.summary
  if (!blocker && !warning && !info) return `Nothing stands in the way of ${plan.target}`
  return [count(blocker, 'blocker'), count(warning, 'warning'), `${info} info`].join(' · ')
}

function countsLine(plan: UpgradePlan, s: Style): string {
  const {blocker, warning} = plan.summary
  const text = countsText(plan)
  return blocker ? s.red(text) : warning ? s.yellow(text) : s.green(text)
}

const paint = (severity: Severity, s: Style) => severity === 'blocker' ? s.red : severity === 'warning' ? s.yellow : (x: string) => x

function objectName(f: UpgradeFinding): string {
  const o = f.object
  const name = o.name ? ` ${o.namespace ? `${o.namespace}/` : ''}${o.name}` : ''
  return `${o.apiVersion ? `${o.apiVersion} ` : ''}${o.kind}${name}`
}

/** "deploy.yaml:12; live: last-applied, managed-fields (argocd-controller); helm release shop/web revision 4". */
export function describeSources(sources: FindingSource[]): string {
  const parts: string[] = []
  const files = sources.filter(x => x.type === 'file').map(x => `${x.path}${x.line ? `:${x.line}` : ''}`)
  if (files.length) parts.push(listNames(files, 3))
  const live = sources.filter(x => x.type === 'live')
  if (live.length) {
    const signals = uniqueSorted(live.map(x => x.signal === 'managed-fields' && x.manager ? `managed-fields (${x.manager})` : (x.signal ?? 'object')))
    const stale = live.filter(x => x.stale).map(x => x.stale!)
    parts.push(`live: ${signals.join(', ')}${stale.length ? `; ${stale[0]}` : ''}`)
  }
  for (const x of sources.filter(x => x.type === 'helm' && x.release)) {
    const r = x.release!
    parts.push(`helm release ${r.namespace}/${r.name} revision ${r.revision} (${r.storage})`)
  }
  if (sources.some(x => x.type === 'metric')) parts.push('clients: requests counted by apiserver_requested_deprecated_apis')
  if (sources.some(x => x.type === 'crd')) parts.push(`crd: ${uniqueSorted(sources.filter(x => x.type === 'crd').map(x => x.signal ?? 'crd')).join(', ')}`)
  return parts.join('; ')
}

/** Markdown table cells: pipes escaped, one line. */
function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')
}

// The team's AWS Budgets: read from moto (which answers DescribeBudgets with the CalculatedSpend a budget
// was created with), filtered by prefix, and deciding the cost warning over the local cost.budget.
// The "no Budgets access" case runs against a real loopback HTTP server answering as AWS does.
import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { BudgetsClient, CreateBudgetCommand } from '@aws-sdk/client-budgets';
import { budgetsReader } from '../../../src/health/runner/budgets';
import { costSnapshot } from '../../../src/health/runner/costCache';
import { classifyAwsError } from '../../../src/health/runner/aws';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { overallReasons, tooltipMarkdown } from '../../../src/health/model/statusText';
import { costSection } from '../../../src/health/model/dashboardHtml';
import type { HealthSnapshot } from '../../../src/health/model/snapshot';
import { MOTO_CREDENTIALS, provisionedMotoBin, startMoto, type MotoServer } from '../../support/motoServer';

const ACCOUNT = '123456789012'; // moto's account

describe('health: AWS Budgets', function () {
  this.timeout(60_000);
  let moto: MotoServer | undefined;
  before(async function () {
    const bin = provisionedMotoBin();
    if (!bin) {
      console.log('    skipped: no moto in .tools/tools.json (node scripts/setup-tools.mjs moto)');
      this.skip();
    }
    moto = await startMoto(bin!);
  });
  after(async () => moto?.stop());

  it('reads the cost budgets with limit, actual and forecast; the team budgets decide the warning, filtered by prefix', async () => {
    const b = new BudgetsClient({ endpoint: moto!.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    const budget = (name: string, limit: string, actual: string, forecast: string, type = 'COST') =>
      b.send(
        new CreateBudgetCommand({
          AccountId: ACCOUNT,
          Budget: {
            BudgetName: name,
            BudgetType: type as 'COST',
            TimeUnit: 'MONTHLY',
            BudgetLimit: { Amount: limit, Unit: 'USD' },
            CalculatedSpend: { ActualSpend: { Amount: actual, Unit: 'USD' }, ForecastedSpend: { Amount: forecast, Unit: 'USD' } },
          },
        }),
      );
    await budget('team-prod', '500', '420', '610');
    await budget('team-dev', '200', '50', '120');
    await budget('sandbox', '10', '30', '40');
    await budget('team-usage', '1000', '1', '2', 'USAGE');
    b.destroy();

    const reader = budgetsReader(
      { endpoint: moto!.endpoint },
      { region: 'us-east-1', endpoint: moto!.endpoint, credentials: MOTO_CREDENTIALS },
    );
    const { budgets, calls } = await reader.read();
    reader.dispose();
    assert.strictEqual(calls, 2, 'GetCallerIdentity once, one DescribeBudgets page');
    assert.deepStrictEqual(
      budgets.map((x) => [x.name, x.limit, x.actual, x.forecast, x.unit]),
      [
        ['sandbox', 10, 30, 40, 'USD'],
        ['team-dev', 200, 50, 120, 'USD'],
        ['team-prod', 500, 420, 610, 'USD'],
      ],
      'cost budgets only (the usage budget is not money)',
    );

    // cost.budgets: [team-] shows the team's two; the local budget (1000, never passed) is only the fallback.
    const cfg = parseHealthConfig('cost: { budget: 1000, budgets: [team-] }\n').config!;
    const now = Date.UTC(2026, 10, 10, 12);
    const data = { fetchedAt: now, currency: 'USD', daily: [{ date: '2026-11-09', amount: 10 }], byGroup: [], budgets };
    const cost = costSnapshot(data, cfg.cost, now, false);
    assert.deepStrictEqual(
      cost.teamBudgets!.map((x) => [x.name, x.atRisk, x.over]),
      [
        ['team-dev', false, false],
        ['team-prod', true, false],
      ],
    );
    assert.strictEqual(cost.budgetAtRisk, true, 'team-prod is forecast past its limit');
    const s = { endpoints: [], alarms: [], cost } as unknown as HealthSnapshot;
    assert.deepStrictEqual(overallReasons(s), ['AWS budget team-prod is forecast past the limit']);
    const tip = tooltipMarkdown({
      ...s,
      metrics: [],
      overall: 'warning',
      statusText: '',
      historySkippedLines: 0,
      maintenance: [],
      generatedAt: now,
      role: 'prober',
    });
    assert.match(
      tip.replace(/\\(.)/g, '$1'),
      /\$\(warning\) team-prod: \$420 of \$500 monthly, forecast \$610 — forecast passes the limit/,
    );
    const html = costSection({ ...s, metrics: [] } as HealthSnapshot);
    assert.match(
      html,
      /<th scope="row">team-prod<\/th><td>monthly<\/td><td class="num">\$500\.00<\/td><td class="num">\$420\.00<\/td><td class="num">\$610\.00<\/td><td><span class="bad">forecast passes the limit/,
    );

    // Without team budgets the local number decides, as before.
    const local = costSnapshot({ ...data, budgets: [] }, parseHealthConfig('cost: { budget: 5 }\n').config!.cost, now, false);
    assert.strictEqual(local.budgetAtRisk, true);
  });
});

describe('health: AWS Budgets without access', () => {
  it('an account without Budgets access gives one clear message', async () => {
    // A real HTTP server answering as AWS does: STS names the account, Budgets denies access.
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (/GetCallerIdentity/.test(body)) {
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(
            `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/dev</Arn><UserId>AIDA</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
          );
          return;
        }
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            __type: 'AccessDeniedException',
            Message: 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: budgets:ViewBudget',
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const reader = budgetsReader({ endpoint }, { region: 'us-east-1', endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
      const err = await reader.read().then(
        () => undefined,
        (e: unknown) => e,
      );
      reader.dispose();
      assert.ok(err, 'denied');
      const p = classifyAwsError(err, 'dev', 'budgets:ViewBudget, sts:GetCallerIdentity');
      assert.strictEqual(p.kind, 'credentials');
      assert.strictEqual(
        p.message,
        'AWS rejected the credentials from profile "dev" (AccessDeniedException). Check the profile and its permissions (budgets:ViewBudget, sts:GetCallerIdentity).',
      );
    } finally {
      server.close();
    }
  });
});

import { ReceiptCounts } from '../src/receipts/receipt-counts';
import { createWork } from './factories/catalogue.factory';
import { agreedOffer } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { financeKey } from './support/payouts';
import { startTestApp, TestApp } from './support/test-app';

const DAY_MS = 86_400_000;

/** The month `n` months before this one, `YYYY-MM` (worked out here, not with the service's code). */
function monthAgo(n: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1))
    .toISOString()
    .slice(0, 7);
}
const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
/** Whole days, rounded up, from the end of `dueOn` to `at`. */
const daysPast = (dueOn: string, at: number) =>
  Math.ceil((at - (Date.parse(`${dueOn}T00:00:00Z`) + DAY_MS)) / DAY_MS);

describe('compliance', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let otherPublisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let silent: OrganizationFixture;
  let agreement: string;
  let silentAgreement: string;
  let finance: string;
  let checked: { id: string };
  let reported: { id: string };
  const PERIOD = monthAgo(2);
  const DUE_ON = `${monthAgo(1)}-10`;
  let reportAcceptedAt: string;
  let reportId: string;

  const report = async (month: string, lines: { work: string; units: number }[]) => {
    const body = usageReport(
      lines.map((line, i) => ({
        lineId: `l${i}`,
        workId: line.work,
        usage: 'ai-train',
        units: line.units,
        unit: 'token',
      })),
      { periodStart: `${month}-01`, periodEnd: lastDayOf(month) },
    );
    const posted = await t.http.post('/v1/usage-reports', licensee.key, body);
    expect(posted.status).toBe(202);
    const settled = await settledReport(t, licensee.key, posted.body.id);
    expect(settled.body.status).toBe('accepted');
    return settled.body as { id: string; acceptedAt: string };
  };

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    otherPublisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    silent = await createOrganization(t.http, { kind: 'licensee' });
    finance = await financeKey(t);
    checked = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: '978-1-4028-9462-6' }],
    });
    reported = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: '978-0-596-52068-7' }],
    });
    const terms = {
      usages: ['ai-train'],
      term: { start: `${monthAgo(6)}-01`, end: `${monthAgo(-12)}-01` },
      reportDueDay: 10,
    };
    agreement = await agreedOffer(t.http, publisher.key, licensee.key, terms);
    silentAgreement = await agreedOffer(t.http, publisher.key, silent.key, {
      ...terms,
      reportDueDay: undefined,
    });
    // Another publisher's agreement with the same licensee: its findings are not the first publisher's.
    await agreedOffer(t.http, otherPublisher.key, licensee.key, terms);

    // Receipts in the period: the checked work 3 times on the 5th and once on the 6th, the reported one twice.
    const ask = (isbn: string, day: string) =>
      t.http.get(
        `/v1/licence-check?identifier=isbn:${isbn}&usage=ai-train&at=${PERIOD}-${day}`,
        licensee.key,
      );
    for (const [isbn, day] of [
      ['9781402894626', '05'],
      ['9781402894626', '05'],
      ['9781402894626', '05'],
      ['9781402894626', '06'],
      ['9780596520687', '05'],
      ['9780596520687', '07'],
    ]) {
      const answer = await ask(isbn, day);
      expect(answer.body.receipt).toEqual(expect.objectContaining({ id: expect.any(String) }));
    }
    await t.app.get(ReceiptCounts).flush();

    // Three months of steady volume, then the period: 1,000, 1,200 and 800 tokens, then 400.
    await report(monthAgo(5), [{ work: reported.id, units: 1000 }]);
    await report(monthAgo(4), [{ work: reported.id, units: 1200 }]);
    await report(monthAgo(3), [{ work: reported.id, units: 800 }]);
    const periodReport = await report(PERIOD, [
      { work: reported.id, units: 150 },
      { work: reported.id, units: 250 },
    ]);
    reportId = periodReport.id;
    reportAcceptedAt = periodReport.acceptedAt;
  });
  afterAll(() => t.close());

  const findings = async (key: string, query = '') => {
    const response = await t.http.get(`/v1/compliance?period=${PERIOD}${query}`, key);
    expect(response.status).toBe(200);
    return response.body as {
      period: string;
      findings: { kind: string; agreementId: string }[];
      truncated: boolean;
    };
  };

  it('finance sees every finding of the period, each with its evidence', async () => {
    const now = Date.now();
    const body = await findings(finance);
    expect(body.period).toBe(PERIOD);
    expect(body.truncated).toBe(false);
    const ours = body.findings.filter((finding) =>
      [agreement, silentAgreement].includes(finding.agreementId),
    );
    expect(ours).toEqual([
      {
        kind: 'checked-not-reported',
        agreementId: agreement,
        licenseeId: licensee.id,
        publisherId: publisher.id,
        evidence: {
          workId: checked.id,
          usage: 'ai-train',
          receipts: 4,
          daysChecked: 2,
          firstDay: `${PERIOD}-05`,
          lastDay: `${PERIOD}-06`,
          reportedLines: 0,
        },
      },
      {
        kind: 'report-missing',
        agreementId: silentAgreement,
        licenseeId: silent.id,
        publisherId: publisher.id,
        evidence: { dueOn: `${monthAgo(1)}-15`, daysOverdue: daysPast(`${monthAgo(1)}-15`, now) },
      },
      {
        kind: 'report-late',
        agreementId: agreement,
        licenseeId: licensee.id,
        publisherId: publisher.id,
        evidence: {
          dueOn: DUE_ON,
          acceptedAt: reportAcceptedAt,
          reportId,
          daysLate: daysPast(DUE_ON, Date.parse(reportAcceptedAt)),
        },
      },
      {
        kind: 'volume-drop',
        agreementId: agreement,
        licenseeId: licensee.id,
        publisherId: publisher.id,
        evidence: {
          unit: 'token',
          units: '400',
          trailingUnits: ['800', '1200', '1000'],
          trailingMean: '1000',
          dropBps: 6000,
          thresholdBps: 5000,
        },
      },
    ]);
  });

  it('a publisher sees its agreements only; a licensee its own only', async () => {
    const kindsOf = (body: { findings: { kind: string; agreementId: string }[] }) =>
      body.findings.map((finding) => `${finding.kind} ${finding.agreementId}`).sort();
    expect(kindsOf(await findings(publisher.key))).toEqual(
      [
        `checked-not-reported ${agreement}`,
        `report-late ${agreement}`,
        `volume-drop ${agreement}`,
        `report-missing ${silentAgreement}`,
      ].sort(),
    );
    const otherPublishers = await findings(otherPublisher.key);
    expect(
      otherPublishers.findings.every(
        (f) => f.agreementId !== agreement && f.agreementId !== silentAgreement,
      ),
    ).toBe(true);
    const mine = await findings(licensee.key);
    expect(mine.findings.map((f) => f.agreementId)).not.toContain(silentAgreement);
    expect(
      mine.findings
        .filter((f) => f.agreementId === agreement)
        .map((f) => f.kind)
        .sort(),
    ).toEqual(['checked-not-reported', 'report-late', 'volume-drop']);
    expect((await findings(silent.key)).findings.map((f) => `${f.kind} ${f.agreementId}`)).toEqual([
      `report-missing ${silentAgreement}`,
    ]);
  });

  it('one kind at a time; a limit says when findings were left out', async () => {
    const only = await findings(finance, '&kind=volume-drop');
    expect(new Set(only.findings.map((f) => f.kind))).toEqual(new Set(['volume-drop']));
    const limited = await findings(publisher.key, '&kind=report-missing&limit=1');
    expect(limited.findings).toHaveLength(1);
  });

  it('refuses a malformed query with a problem, never a 500', async () => {
    for (const query of [
      '',
      '?period=2027-13',
      '?period=2027-6',
      `?period=${PERIOD}&kind=other`,
      `?period=${PERIOD}&limit=0`,
      `?period=${PERIOD}&limit=1001`,
      `?period=${PERIOD}&limit=x`,
      `?period=${PERIOD}&also=1`,
    ]) {
      const response = await t.http.get(`/v1/compliance${query}`, finance);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await t.http.get(`/v1/compliance?period=${PERIOD}`)).status).toBe(401);
  });
});

import { App as AntdApp, ConfigProvider } from 'antd';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ApiError, setSecurityStepHandler, setUnauthorizedHandler } from './api/client';
import { meKey } from './api/auth';
import { antdLocale } from './i18n';
import { AppLayout } from './components/AppLayout';
import { LoginPage } from './pages/auth/LoginPage';
import * as securityArea from './pages/security/area';
import * as auditArea from './pages/audit/area';
import * as dashboardArea from './pages/dashboard/area';
import * as bulletinsArea from './pages/bulletins/area';
import * as notifyArea from './pages/notify/area';

// Pages load on first visit, so the login page does not wait for every module.
const HomePage = lazy(() => import('./pages/home/HomePage').then((m) => ({ default: m.HomePage })));
const OrgPage = lazy(() => import('./pages/org/OrgPage').then((m) => ({ default: m.OrgPage })));
const ImportPage = lazy(() => import('./pages/org/ImportPage').then((m) => ({ default: m.ImportPage })));
const CampaignListPage = lazy(() => import('./pages/campaigns/CampaignListPage').then((m) => ({ default: m.CampaignListPage })));
const CampaignDetailPage = lazy(() => import('./pages/campaigns/CampaignDetailPage').then((m) => ({ default: m.CampaignDetailPage })));
const KeyTasksPage = lazy(() => import('./pages/campaigns/KeyTasksPage').then((m) => ({ default: m.KeyTasksPage })));
const MyTasksPage = lazy(() => import('./pages/campaigns/MyTasksPage').then((m) => ({ default: m.MyTasksPage })));
const ReviewPage = lazy(() => import('./pages/campaigns/ReviewPage').then((m) => ({ default: m.ReviewPage })));
const MeetingListPage = lazy(() => import('./pages/campaigns/MeetingListPage').then((m) => ({ default: m.MeetingListPage })));
const MeetingDetailPage = lazy(() => import('./pages/campaigns/MeetingDetailPage').then((m) => ({ default: m.MeetingDetailPage })));
const SessionListPage = lazy(() => import('./pages/study/SessionListPage').then((m) => ({ default: m.SessionListPage })));
const SessionDetailPage = lazy(() => import('./pages/study/SessionDetailPage').then((m) => ({ default: m.SessionDetailPage })));
const AttendancePage = lazy(() => import('./pages/study/AttendancePage').then((m) => ({ default: m.AttendancePage })));
const SupervisionPage = lazy(() => import('./pages/study/SupervisionPage').then((m) => ({ default: m.SupervisionPage })));
const StudySettingsPage = lazy(() => import('./pages/study/StudySettingsPage').then((m) => ({ default: m.StudySettingsPage })));
const StatsPage = lazy(() => import('./pages/study/StatsPage').then((m) => ({ default: m.StatsPage })));
const MyStudyPage = lazy(() => import('./pages/study/MyStudyPage').then((m) => ({ default: m.MyStudyPage })));
const CoveragePage = lazy(() => import('./pages/study/CoveragePage').then((m) => ({ default: m.CoveragePage })));
const ReflectionsPage = lazy(() => import('./pages/study/ReflectionsPage').then((m) => ({ default: m.ReflectionsPage })));
const ReadingPage = lazy(() => import('./pages/study/ReadingPage').then((m) => ({ default: m.ReadingPage })));
const ScoresPage = lazy(() => import('./pages/study/ScoresPage').then((m) => ({ default: m.ScoresPage })));
const TaskPage = lazy(() => import('./pages/campaigns/TaskPage').then((m) => ({ default: m.TaskPage })));
const PointsResultsPage = lazy(() => import('./pages/points/ResultsPage').then((m) => ({ default: m.ResultsPage })));
const PointsEventsPage = lazy(() => import('./pages/points/EventsPage').then((m) => ({ default: m.EventsPage })));
const PointsClaimsPage = lazy(() => import('./pages/points/ClaimsPage').then((m) => ({ default: m.ClaimsPage })));
const PointsRulesPage = lazy(() => import('./pages/points/RulesPage').then((m) => ({ default: m.RulesPage })));
const PointsPeriodsPage = lazy(() => import('./pages/points/PeriodsPage').then((m) => ({ default: m.PeriodsPage })));
const PointsInterviewsPage = lazy(() => import('./pages/points/InterviewsPage').then((m) => ({ default: m.InterviewsPage })));
const PointsAppealsPage = lazy(() => import('./pages/points/AppealsPage').then((m) => ({ default: m.AppealsPage })));
const PointsSupervisionPage = lazy(() => import('./pages/points/SupervisionPage').then((m) => ({ default: m.PointsSupervisionPage })));
const MyPointsPage = lazy(() => import('./pages/points/MyPointsPage').then((m) => ({ default: m.MyPointsPage })));
const InfoItemListPage = lazy(() => import('./pages/info/ItemListPage').then((m) => ({ default: m.ItemListPage })));
const InfoItemFormPage = lazy(() => import('./pages/info/ItemFormPage').then((m) => ({ default: m.ItemFormPage })));
const InfoItemDetailPage = lazy(() => import('./pages/info/ItemDetailPage').then((m) => ({ default: m.ItemDetailPage })));
const InfoIssuesPage = lazy(() => import('./pages/info/IssuesPage').then((m) => ({ default: m.IssuesPage })));
const InfoIssuePage = lazy(() => import('./pages/info/IssuePage').then((m) => ({ default: m.IssuePage })));
const InfoMediaPage = lazy(() => import('./pages/info/MediaPage').then((m) => ({ default: m.MediaPage })));
const InfoTargetsPage = lazy(() => import('./pages/info/TargetsPage').then((m) => ({ default: m.TargetsPage })));
const InfoStatsPage = lazy(() => import('./pages/info/StatsPage').then((m) => ({ default: m.StatsPage })));
const InfoSettingsPage = lazy(() => import('./pages/info/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const PasswordStepPage = lazy(() => import('./pages/auth/SecurityStepPages').then((m) => ({ default: m.PasswordStepPage })));
const TotpStepPage = lazy(() => import('./pages/auth/SecurityStepPages').then((m) => ({ default: m.TotpStepPage })));
const NotFoundPage = lazy(() => import('./pages/home/NotFoundPage').then((m) => ({ default: m.NotFoundPage })));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      refetchOnWindowFocus: false,
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
    },
  },
});

/** A 401 anywhere means the session ended: forget who we were and go to the login page. */
function SessionWatcher() {
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      qc.setQueryData(meKey, null);
      if (location.pathname !== '/login') {
        navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
      }
    });
    // The server refuses everything until the password is changed or the second factor enrolled: reload who we
    // are, and the layout sends the user to that step.
    setSecurityStepHandler(() => void qc.invalidateQueries({ queryKey: meKey }));
  }, [navigate, location, qc]);
  return null;
}

export function Root() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={antdLocale(i18n.language)}
      theme={{ token: { colorPrimary: "#c8161d", borderRadius: 4 } }}
      button={{ autoInsertSpace: false }}
    >
      <AntdApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <SessionWatcher />
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/change-password" element={<Suspense fallback={null}><PasswordStepPage /></Suspense>} />
              <Route path="/enrol-totp" element={<Suspense fallback={null}><TotpStepPage /></Suspense>} />
              <Route element={<AppLayout />}>
                <Route index element={<HomePage />} />
                <Route path="org" element={<OrgPage />} />
                <Route path="org/import" element={<ImportPage />} />
                <Route path="campaigns" element={<CampaignListPage />} />
                <Route path="campaigns/:id" element={<CampaignDetailPage />} />
                <Route path="key-tasks" element={<KeyTasksPage />} />
                <Route path="my-tasks" element={<MyTasksPage />} />
                <Route path="tasks/:id" element={<TaskPage />} />
                <Route path="reviews" element={<ReviewPage />} />
                <Route path="meetings" element={<MeetingListPage />} />
                <Route path="meetings/:id" element={<MeetingDetailPage />} />
                <Route path="study/sessions" element={<SessionListPage />} />
                <Route path="study/sessions/:id" element={<SessionDetailPage />} />
                <Route path="study/attendance" element={<AttendancePage />} />
                <Route path="study/stats" element={<StatsPage />} />
                <Route path="study/me" element={<MyStudyPage />} />
                <Route path="study/coverage" element={<CoveragePage />} />
                <Route path="study/supervisions" element={<SupervisionPage />} />
                <Route path="study/settings" element={<StudySettingsPage />} />
                <Route path="study/reflections" element={<ReflectionsPage />} />
                <Route path="study/reading" element={<ReadingPage />} />
                <Route path="study/scores" element={<ScoresPage />} />
                <Route path="points/results" element={<PointsResultsPage />} />
                <Route path="points/events" element={<PointsEventsPage />} />
                <Route path="points/claims" element={<PointsClaimsPage />} />
                <Route path="points/rules" element={<PointsRulesPage />} />
                <Route path="points/periods" element={<PointsPeriodsPage />} />
                <Route path="points/interviews" element={<PointsInterviewsPage />} />
                <Route path="points/appeals" element={<PointsAppealsPage />} />
                <Route path="points/supervision" element={<PointsSupervisionPage />} />
                <Route path="points/me" element={<MyPointsPage />} />
                <Route path="info/items" element={<InfoItemListPage />} />
                <Route path="info/todo" element={<InfoItemListPage todo />} />
                <Route path="info/items/new" element={<InfoItemFormPage />} />
                <Route path="info/items/:id" element={<InfoItemDetailPage />} />
                <Route path="info/items/:id/edit" element={<InfoItemFormPage />} />
                <Route path="info/issues" element={<InfoIssuesPage />} />
                <Route path="info/issues/:id" element={<InfoIssuePage />} />
                <Route path="info/media" element={<InfoMediaPage />} />
                <Route path="info/targets" element={<InfoTargetsPage />} />
                <Route path="info/stats" element={<InfoStatsPage />} />
                <Route path="info/settings" element={<InfoSettingsPage />} />
                {[...dashboardArea.routes, ...bulletinsArea.routes, ...notifyArea.routes, ...securityArea.routes, ...auditArea.routes].map((r) => (
                  <Route key={r.path} path={r.path} element={r.element} />
                ))}
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </AntdApp>
    </ConfigProvider>
  );
}

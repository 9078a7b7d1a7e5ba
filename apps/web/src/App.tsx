import { App as AntdApp, ConfigProvider } from 'antd';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ApiError, setUnauthorizedHandler } from './api/client';
import { meKey } from './api/auth';
import { antdLocale } from './i18n';
import { AppLayout } from './components/AppLayout';
import { LoginPage } from './pages/auth/LoginPage';
import { HomePage } from './pages/home/HomePage';
import { OrgPage } from './pages/org/OrgPage';
import { ImportPage } from './pages/org/ImportPage';
import { CampaignListPage } from './pages/campaigns/CampaignListPage';
import { CampaignDetailPage } from './pages/campaigns/CampaignDetailPage';
import { KeyTasksPage } from './pages/campaigns/KeyTasksPage';
import { MyTasksPage } from './pages/campaigns/MyTasksPage';
import { ReviewPage } from './pages/campaigns/ReviewPage';
import { MeetingListPage } from './pages/campaigns/MeetingListPage';
import { MeetingDetailPage } from './pages/campaigns/MeetingDetailPage';
import { NotFoundPage } from './pages/home/NotFoundPage';

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
              <Route element={<AppLayout />}>
                <Route index element={<HomePage />} />
                <Route path="org" element={<OrgPage />} />
                <Route path="org/import" element={<ImportPage />} />
                <Route path="campaigns" element={<CampaignListPage />} />
                <Route path="campaigns/:id" element={<CampaignDetailPage />} />
                <Route path="key-tasks" element={<KeyTasksPage />} />
                <Route path="my-tasks" element={<MyTasksPage />} />
                <Route path="reviews" element={<ReviewPage />} />
                <Route path="meetings" element={<MeetingListPage />} />
                <Route path="meetings/:id" element={<MeetingDetailPage />} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </AntdApp>
    </ConfigProvider>
  );
}

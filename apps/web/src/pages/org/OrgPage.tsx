import { Card, Col, Row, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan } from '../../api/auth';
import { GroupsTab } from './GroupsTab';
import { PersonsPanel } from './PersonsPanel';
import { RolesTab } from './RolesTab';
import { UnitPanel } from './UnitPanel';

export function OrgPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const canGroups = useCan('org:group:read');
  const canRoles = useCan('org:role:read');
  const canPersons = useCan('org:person:read');
  const [unitId, setUnitId] = useState<string | null>(null);
  const tab = params.get('tab') ?? 'units';
  return (
    <Card>
      <h2 className="page-title">{t('org.title')}</h2>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'units' ? {} : { tab: k }, { replace: true })}
        items={[
          {
            key: 'units',
            label: t('org.tabUnits'),
            children: (
              <Row gutter={16} wrap={false}>
                <Col flex="320px" style={{ borderRight: '1px solid #f0f0f0', paddingRight: 16 }}>
                  <UnitPanel selected={unitId} onSelect={setUnitId} />
                </Col>
                <Col flex="auto" style={{ minWidth: 0 }}>
                  {canPersons && <PersonsPanel unitId={unitId} />}
                </Col>
              </Row>
            ),
          },
          ...(canGroups ? [{ key: 'groups', label: t('org.tabGroups'), children: <GroupsTab /> }] : []),
          ...(canRoles ? [{ key: 'roles', label: t('org.tabRoles'), children: <RolesTab /> }] : []),
        ]}
      />
    </Card>
  );
}
